// trainwell lab: the lessons (issue 20). Plugs into lab.js through window.trainwellLab's
// hooks: every message from the server, and every redraw of a frame.
"use strict";

(() => {
  const lab = window.trainwellLab;
  const byId = (id) => document.querySelector(`[data-testid="${id}"]`);
  const pct = (x) => `${(100 * x).toFixed(1)}%`;
  let presets = [];

  // ------------------------------------------------------------ guided presets
  function fillPresets(list) {
    if (presets.length) return;
    presets = list;
    const select = byId("preset");
    for (const p of list) select.append(new Option(p.title, p.name));
  }
  byId("preset").addEventListener("change", (e) => {
    if (e.target.value) lab.send({ type: "preset", name: e.target.value });
  });

  // ------------------------------------------------------------ bias / variance
  byId("bayes-error").addEventListener("change", (e) => {
    const raw = e.target.value.trim(), x = Number(raw);
    lab.send({ type: "bayes", bayes_error: raw !== "" && Number.isFinite(x) ? x : raw });
  });
  function drawVerdict(f) {
    const d = f.diagnosis, el = byId("verdict");
    if (document.activeElement !== byId("bayes-error")) byId("bayes-error").value = String(f.bayes_error);
    if (!d) { el.textContent = "-"; return; }
    el.textContent = d.verdict === "neither" ? "neither high bias nor high variance" : d.verdict;
    el.className = `verdict ${d.verdict === "neither" ? "good" : "bad"}`;
    byId("verdict-detail").textContent =
      `Train error ${pct(d.train_error)}, dev error ${pct(d.dev_error)}, Bayes error ${pct(d.bayes_error)}: ` +
      `avoidable bias ${pct(d.avoidable_bias)}, variance ${pct(d.variance)}. ` +
      (d.focus ? `Work on ${d.focus} first.` : "No remedy needed.") +
      (d.notes.length ? ` ${d.notes.join(" ")}` : "");
    const list = byId("remedies");
    const items = d.remedies.map((r) => { const li = document.createElement("li"); li.textContent = r; return li; });
    list.replaceChildren(...items);
  }

  // ------------------------------------------------------------ gradient checking
  byId("gradcheck").addEventListener("click", () => {
    byId("gradcheck-result").textContent = "Checking…";
    byId("gradcheck-result").className = "verdict";
    lab.send({ type: "gradcheck" });
  });
  function showGradcheck(m) {
    const el = byId("gradcheck-result");
    el.textContent = `relative difference ${m.difference === null ? "NaN" : Number(m.difference).toExponential(3)}: ${m.verdict}`;
    el.className = `verdict ${m.verdict === "correct" ? "good" : m.verdict === "suspicious" ? "warn" : "bad"}`;
    const worst = m.worst_difference === null ? "NaN" : Number(m.worst_difference).toExponential(2);
    byId("gradcheck-detail").textContent =
      `Worst parameter ${m.worst} (${worst}). Checked at iteration ${m.iteration} on the ${m.engine} engine, ` +
      `${m.parameters} parameters, J over ${m.examples} training examples, ε = 1e-7. ` +
      "Below 1e-7 is correct, up to 1e-3 suspicious (a ReLU kink crossed, or a small bug), above wrong." +
      (m.notes.length ? ` ${m.notes.join("; ")}.` : "");
  }

  // ------------------------------------------------------------ norms by layer, log scale
  function drawNorms(f) {
    const canvas = byId("grad-norms"), r = window.devicePixelRatio || 1;
    const w0 = Math.round(canvas.clientWidth * r), h0 = Math.round(canvas.clientHeight * r);
    if (w0 > 0 && (canvas.width !== w0 || canvas.height !== h0)) { canvas.width = w0; canvas.height = h0; }
    const ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    const n = f.norms;
    if (!n || !n.layer.length) return;
    const series = [["weight", "#888"], ["gradient", "#f59322"], ["weight_gradient", "#0877bd"]];
    const logs = [];
    for (const [key] of series) for (const v of n[key]) if (v !== null && v > 0) logs.push(Math.log10(v));
    if (!logs.length) return;
    let lo = Math.floor(Math.min(...logs)), hi = Math.ceil(Math.max(...logs));
    if (hi === lo) hi = lo + 1;
    const left = 40 * r, bottom = h - 16 * r, top = 6 * r, L = n.layer.length;
    const X = (i) => left + (L > 1 ? (i / (L - 1)) * (w - left - 8 * r) : (w - left) / 2);
    const Y = (v) => bottom - ((Math.log10(v) - lo) / (hi - lo)) * (bottom - top);
    ctx.font = `${10 * r}px sans-serif`; ctx.fillStyle = "#999"; ctx.strokeStyle = "#eee"; ctx.lineWidth = r;
    const step = Math.max(1, Math.ceil((hi - lo) / 6));
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (let e = lo; e <= hi; e += step) {
      const y = bottom - ((e - lo) / (hi - lo)) * (bottom - top);
      ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w, y); ctx.stroke();
      ctx.fillText(`1e${e}`, left - 4 * r, y);
    }
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    const every = Math.max(1, Math.ceil(L / 10));
    for (let i = 0; i < L; i += every) ctx.fillText(`${n.layer[i]}`, X(i), bottom + 3 * r);
    for (const [key, color] of series) {
      ctx.beginPath(); ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = 1.8 * r;
      let started = false;
      n[key].forEach((v, i) => {
        if (v === null || !(v > 0)) { started = false; return; }
        started ? ctx.lineTo(X(i), Y(v)) : ctx.moveTo(X(i), Y(v)); started = true;
      });
      ctx.stroke();
      n[key].forEach((v, i) => { if (v > 0) { ctx.beginPath(); ctx.arc(X(i), Y(v), 2.2 * r, 0, 2 * Math.PI); ctx.fill(); } });
    }
    const g = n.gradient, first = g[0], last = g[L > 1 ? L - 2 : 0];
    if (first > 0 && last > 0 && L > 2) {
      const ratio = first / last, orders = Math.log10(ratio);
      byId("norms-note").textContent =
        `‖dA[1]‖ / ‖dA[${L - 1}]‖ = ${ratio.toExponential(1)}: ` +
        (orders > 2 ? "the gradients grow by orders of magnitude on their way back (exploding)."
          : orders < -2 ? "the gradients shrink by orders of magnitude on their way back (vanishing)."
            : "the gradients keep about the same size from layer to layer.");
    } else byId("norms-note").textContent = "";
  }

  lab.hooks.message.push((m) => {
    if (m.type === "state" && m.presets) fillPresets(m.presets);
    else if (m.type === "gradcheck") showGradcheck(m);
    else if (m.type === "preset") { byId("preset").value = m.name; byId("preset-note").textContent = m.note; }
  });
  lab.hooks.render.push((f) => { drawVerdict(f); drawNorms(f); });
})();
