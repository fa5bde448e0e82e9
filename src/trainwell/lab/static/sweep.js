// trainwell lab: random search (issue 20). The server runs trainwell.tuning's random_search
// in local processes; each finished trial arrives as a message and is drawn at once.
"use strict";

(() => {
  const lab = window.trainwellLab;
  const byId = (id) => document.querySelector(`[data-testid="${id}"]`);
  const sweep = { trials: [], box: null, running: false, optimizer: null, best: null };
  lab.sweep = sweep;
  const field = (id) => { const raw = byId(id).value.trim(), x = Number(raw); return raw !== "" && Number.isFinite(x) ? x : raw; };
  function start(zoom) {
    lab.send({ type: "sweep", trials: field("sweep-trials"), epochs: field("sweep-epochs"), zoom });
  }
  byId("sweep").addEventListener("click", () => start(false));
  byId("sweep-zoom").addEventListener("click", () => start(true));

  const L = Math.log10;
  function axes(w, h, r) {
    const [a0, a1] = sweep.box.learning_rate, [b0, b1] = sweep.box.beta;  // β's axis: log10(1 − β)
    const left = 46 * r, bottom = h - 16 * r;
    return {
      X: (lr) => left + ((L(lr) - L(a0)) / (L(a1) - L(a0))) * (w - left - 6 * r),
      Y: (b) => bottom - ((L(1 - b) - L(1 - b0)) / (L(1 - b1) - L(1 - b0))) * (bottom - 6 * r),
      left, bottom,
    };
  }
  function draw() {
    const canvas = byId("sweep-chart"), r = window.devicePixelRatio || 1;
    const w0 = Math.round(canvas.clientWidth * r), h0 = Math.round(canvas.clientHeight * r);
    if (w0 > 0 && (canvas.width !== w0 || canvas.height !== h0)) { canvas.width = w0; canvas.height = h0; }
    const ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    if (!sweep.box) return;
    const { X, Y, left, bottom } = axes(w, h, r);
    ctx.strokeStyle = "#ccc"; ctx.lineWidth = r; ctx.strokeRect(left, 6 * r, w - left - 6 * r, bottom - 6 * r);
    ctx.fillStyle = "#777"; ctx.font = `${10 * r}px sans-serif`;
    const [a0, a1] = sweep.box.learning_rate, [b0, b1] = sweep.box.beta;
    ctx.textAlign = "left"; ctx.fillText(`α ${a0.toPrecision(2)}`, left, h - 3 * r);
    ctx.textAlign = "right"; ctx.fillText(`α ${a1.toPrecision(2)} (log)`, w - 6 * r, h - 3 * r);
    ctx.font = `${9 * r}px sans-serif`;
    ctx.fillText(`β ${b0.toPrecision(3)}`, left - 2 * r, bottom);
    ctx.fillText(`β ${b1.toPrecision(4)}`, left - 2 * r, 14 * r);
    const ok = sweep.trials.filter((t) => t.dev_score !== null);
    const lo = Math.min(...ok.map((t) => t.dev_score), 1), hi = Math.max(...ok.map((t) => t.dev_score), 0);
    for (const t of sweep.trials) {
      const s = t.dev_score === null ? null : (t.dev_score - lo) / (hi - lo || 1);
      ctx.beginPath(); ctx.arc(X(t.learning_rate), Y(t.beta), 4.5 * r, 0, 2 * Math.PI);
      ctx.fillStyle = s === null ? "#bbb" : `rgb(${Math.round(245 - 237 * s)},${Math.round(147 - 28 * s)},${Math.round(34 + 155 * s)})`;
      ctx.fill();
      if (sweep.best && t.index === sweep.best.index) { ctx.lineWidth = 2 * r; ctx.strokeStyle = "#111"; ctx.stroke(); }
    }
  }
  byId("sweep-chart").addEventListener("click", (e) => {
    if (!sweep.box || !sweep.trials.length) return;
    const canvas = e.currentTarget, r = canvas.width / canvas.clientWidth, rect = canvas.getBoundingClientRect();
    const px = (e.clientX - rect.left) * r, py = (e.clientY - rect.top) * r, { X, Y } = axes(canvas.width, canvas.height, window.devicePixelRatio || 1);
    let best = null, dist = Infinity;
    for (const t of sweep.trials) { const d = (X(t.learning_rate) - px) ** 2 + (Y(t.beta) - py) ** 2; if (d < dist) { dist = d; best = t; } }
    if (!best) return;
    lab.send({ type: "config", config: { optimizer: sweep.optimizer, learning_rate: Number(best.learning_rate.toPrecision(6)), beta: Number(best.beta.toPrecision(6)) } });
  });

  lab.hooks.message.push((m) => {
    if (m.type === "sweep_start") {
      Object.assign(sweep, { trials: [], box: m.box, running: true, optimizer: m.optimizer, best: null });
      byId("sweep").disabled = byId("sweep-zoom").disabled = true;
      byId("sweep-note").textContent = `${m.zoom ? "Zoomed" : "Coarse"} search: ${m.n_trials} trials of ${m.optimizer} running in the background…`;
      draw();
    } else if (m.type === "sweep_trial") {
      sweep.trials.push(m.trial); draw();
      byId("sweep-note").textContent = `${sweep.trials.length} trials done…`;
    } else if (m.type === "sweep_done") {
      sweep.running = false; sweep.best = m.best; draw();
      byId("sweep").disabled = false; byId("sweep-zoom").disabled = !m.best;
      byId("sweep-note").textContent = m.best
        ? `Best of ${m.n}: α = ${m.best.learning_rate.toPrecision(3)}, β = ${m.best.beta.toPrecision(4)}, dev accuracy ${m.best.dev_score.toFixed(3)} (ringed). Click a point to load it; zoom to search around the best quarter.`
        : "No trial finished.";
    }
  });
})();
