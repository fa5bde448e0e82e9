// trainwell lab: optimizers on a 2-D surface, exponentially weighted averages, batch norm's
// statistics of Z (issue 20). The server computes with trainwell.optim; this file draws.
"use strict";

(() => {
  const lab = window.trainwellLab;
  const byId = (id) => document.querySelector(`[data-testid="${id}"]`);
  const OPT = { gd: ["gradient descent", "#333"], momentum: ["momentum", "#0877bd"], rmsprop: ["RMSprop", "#2e7d32"], adam: ["Adam", "#c62828"] };
  const DEFAULTS = { bowl: [0.9, 0.3, 50], saddle: [0.1, 0.03, 100], plateau: [3, 0.1, 150] };
  const LAYER_COLORS = ["#0877bd", "#f59322", "#2e7d32", "#8e24aa", "#c62828", "#00838f"];
  let surface = null, ewma = null, zHistory = [];
  lab.views = { get surface() { return surface; }, get ewma() { return ewma; }, get zHistory() { return zHistory; } };

  function sized(canvas) {
    const r = window.devicePixelRatio || 1, w = Math.round(canvas.clientWidth * r), h = Math.round(canvas.clientHeight * r);
    if (w > 0 && h > 0 && (canvas.width !== w || canvas.height !== h)) { canvas.width = w; canvas.height = h; }
    return [canvas.getContext("2d"), canvas.width, canvas.height, r];
  }
  const num = (el) => { const x = Number(el.value.trim()); return el.value.trim() !== "" && Number.isFinite(x) ? x : el.value; };

  // ------------------------------------------------------------ the surface
  function requestSurface() {
    const msg = { type: "surface", surface: byId("surface-select").value };
    for (const el of document.querySelectorAll("[data-s]")) msg[el.dataset.s] = num(el);
    lab.send(msg);
  }
  byId("surface-select").addEventListener("change", (e) => {
    const [a, b, n] = DEFAULTS[e.target.value];
    byId("surface-lr-gd").value = a; byId("surface-lr-adaptive").value = b; byId("surface-steps").value = n;
    requestSurface();
  });
  for (const el of document.querySelectorAll("[data-s]")) el.addEventListener("change", requestSurface);
  function drawSurface() {
    if (!surface) return;
    const [ctx, w, h, r] = sized(byId("surface")), g = surface.grid, n = g.length;
    let lo = Infinity, hi = -Infinity;
    for (const row of g) for (const v of row) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const img = ctx.createImageData(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const t = Math.sqrt((g[i][j] - lo) / (hi - lo || 1)), shade = Math.round(255 - 120 * t), band = Math.floor(t * 12) % 2 ? 8 : 0;
      img.data.set([shade - band, shade - band / 2, 255 - 60 * t, 255], (i * n + j) * 4);
    }
    const off = document.createElement("canvas"); off.width = off.height = n; off.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true; ctx.drawImage(off, 0, 0, w, h);
    const [x0, x1, y0, y1] = surface.extent, X = (x) => ((x - x0) / (x1 - x0)) * w, Y = (y) => ((y1 - y) / (y1 - y0)) * h;
    for (const [name, [, color]] of Object.entries(OPT)) {
      const P = surface.paths[name];
      ctx.beginPath(); ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = 1.6 * r;
      P.forEach((p, i) => { if (p[0] === null) return; i ? ctx.lineTo(X(p[0]), Y(p[1])) : ctx.moveTo(X(p[0]), Y(p[1])); });
      ctx.stroke();
      for (const p of P) if (p[0] !== null) { ctx.beginPath(); ctx.arc(X(p[0]), Y(p[1]), 1.8 * r, 0, 2 * Math.PI); ctx.fill(); }
    }
    const legend = byId("surface-legend");
    legend.replaceChildren(...Object.entries(OPT).map(([name, [label, color]]) => {
      const s = document.createElement("span"); s.style.color = color; s.style.marginRight = "10px";
      s.textContent = `— ${label}: J = ${Number(surface.final_cost[name]).toPrecision(3)}`; return s;
    }));
    byId("surface-note").textContent = surface.note;
  }

  // ------------------------------------------------------------ exponentially weighted averages
  function requestEwma() {
    const beta = Number(byId("ewma-beta").value);
    document.getElementById("ewma-beta-value").textContent = beta.toFixed(2);
    document.getElementById("ewma-span").textContent = (1 / (1 - beta)).toFixed(0);
    lab.send({ type: "ewma", beta });
  }
  byId("ewma-beta").addEventListener("input", requestEwma);
  byId("ewma-bias-correction").addEventListener("change", drawEwma);
  function drawEwma() {
    if (!ewma) return;
    const [ctx, w, h, r] = sized(byId("ewma")), s = ewma.series, n = s.length;
    ctx.clearRect(0, 0, w, h);
    const lo = Math.min(...s, 0), hi = Math.max(...s), X = (i) => 4 * r + (i / (n - 1)) * (w - 8 * r), Y = (v) => h - 4 * r - ((v - lo) / (hi - lo)) * (h - 8 * r);
    ctx.fillStyle = "#9ab"; for (let i = 0; i < n; i++) { ctx.beginPath(); ctx.arc(X(i), Y(s[i]), 1.8 * r, 0, 2 * Math.PI); ctx.fill(); }
    const corrected = byId("ewma-bias-correction").checked;
    const line = (values, color, dash) => {
      ctx.beginPath(); ctx.strokeStyle = color; ctx.lineWidth = 2 * r; ctx.setLineDash(dash);
      values.forEach((v, i) => (i ? ctx.lineTo(X(i), Y(v)) : ctx.moveTo(X(i), Y(v)))); ctx.stroke(); ctx.setLineDash([]);
    };
    line(ewma.plain, "#c62828", corrected ? [4 * r, 3 * r] : []);
    if (corrected) line(ewma.corrected, "#2e7d32", []);
  }

  // ------------------------------------------------------------ batch norm: Z's mean and variance
  byId("bn-toggle").addEventListener("click", () => {
    const on = !lab.config.layers.every((l) => l.batch_norm);
    lab.send({ type: "config", config: { layers: lab.config.layers.map((l) => ({ ...l, batch_norm: on })) } });
  });
  function drawZ() {
    const [ctx, w, h, r] = sized(byId("bn-stats"));
    ctx.clearRect(0, 0, w, h);
    if (zHistory.length < 1) return;
    const L = zHistory[zHistory.length - 1].mean.length, xmax = Math.max(1, zHistory[zHistory.length - 1].iteration);
    let lo = 0, hi = 1;
    for (const z of zHistory) for (const v of [...z.mean, ...z.variance]) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const X = (it) => 30 * r + (it / xmax) * (w - 34 * r), Y = (v) => h - 14 * r - ((v - lo) / (hi - lo)) * (h - 20 * r);
    ctx.fillStyle = "#999"; ctx.font = `${10 * r}px sans-serif`; ctx.textAlign = "right";
    ctx.fillText(hi.toPrecision(2), 28 * r, Y(hi) + 8 * r); ctx.fillText(lo.toPrecision(2), 28 * r, Y(lo));
    ctx.textAlign = "right"; ctx.fillText(`iteration ${xmax}`, w - 4 * r, h - 2 * r);
    for (let l = 0; l < L; l++) for (const [key, dash] of [["mean", []], ["variance", [4 * r, 3 * r]]]) {
      ctx.beginPath(); ctx.strokeStyle = LAYER_COLORS[l % LAYER_COLORS.length]; ctx.lineWidth = 1.6 * r; ctx.setLineDash(dash);
      zHistory.forEach((z, i) => { const v = z[key][l]; i ? ctx.lineTo(X(z.iteration), Y(v)) : ctx.moveTo(X(z.iteration), Y(v)); });
      ctx.stroke(); ctx.setLineDash([]);
    }
    const on = lab.config && lab.config.layers.some((l) => l.batch_norm);
    byId("bn-toggle").textContent = on ? "Batch norm off (every hidden layer)" : "Batch norm on every hidden layer";
  }

  lab.hooks.message.push((m) => {
    if (m.type === "surface") { surface = m; drawSurface(); }
    else if (m.type === "ewma") { ewma = m; drawEwma(); }
    else if (m.type === "state") {
      zHistory = [];
      if (!surface) { requestSurface(); requestEwma(); }
    }
  });
  lab.hooks.render.push((f) => {
    if (!f.z_stats || !f.z_stats.mean.length) return;
    const last = zHistory[zHistory.length - 1];
    if (last && last.iteration === f.iteration) return;
    if (last && f.iteration < last.iteration) zHistory = [];
    zHistory.push({ iteration: f.iteration, mean: f.z_stats.mean, variance: f.z_stats.variance });
    if (zHistory.length > 600) zHistory = zHistory.filter((_, i) => i % 2 === 0);
    drawZ();
  });
  window.addEventListener("resize", () => { drawSurface(); drawEwma(); });
})();
