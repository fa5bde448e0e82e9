// trainwell lab: runs (issue 20). Pin a run to compare, copy it as code, download it.
"use strict";

(() => {
  const lab = window.trainwellLab;
  const byId = (id) => document.querySelector(`[data-testid="${id}"]`);
  const COLORS = ["#2e7d32", "#8e24aa", "#c62828", "#00838f", "#6d4c41", "#ef6c00"];
  const pinned = [];
  lab.pinned = pinned;

  // ------------------------------------------------------------ compare runs
  const fmt = (x, d = 4) => (x === null || x === undefined ? "-" : Number(x).toFixed(d));
  function describe(c) {
    const net = c.layers.map((l) => `${l.units}${l.activation === "relu" ? "" : " " + l.activation}${l.batch_norm ? "+bn" : ""}`).join("-") || "none";
    return {
      data: c.dataset, network: `${net} (${c.init}${c.init === "random" ? " ×" + c.init_scale : ""})`,
      optimizer: c.optimizer === "gd" ? "gradient descent" : c.optimizer, lr: String(c.learning_rate),
      decay: c.decay === "none" ? "none" : `${c.decay} ${c.decay_rate}`, l2: String(c.l2),
      keep: [...new Set(c.layers.map((l) => l.keep_prob))].join("/"), batch: String(c.batch_size),
    };
  }
  function renderPinned() {
    byId("pinned-panel").hidden = pinned.length === 0;
    const body = byId("pinned-runs").querySelector("tbody");
    body.replaceChildren(...pinned.map((run, i) => {
      const tr = document.createElement("tr"), d = describe(run.config);
      const swatch = document.createElement("span"); swatch.className = "swatch"; swatch.style.borderTopColor = run.color;
      const cells = [swatch, d.data, d.network, d.optimizer, d.lr, d.decay, d.l2, d.keep, d.batch, String(run.iteration),
        fmt(run.train_cost), fmt(run.dev_cost), fmt(run.train_accuracy, 3), fmt(run.dev_accuracy, 3)];
      for (const c of cells) { const td = document.createElement("td"); td.append(c); tr.append(td); }
      const drop = Object.assign(document.createElement("button"), { className: "flat", textContent: "unpin" });
      drop.onclick = () => { pinned.splice(i, 1); renderPinned(); };
      const td = document.createElement("td"); td.append(drop); tr.append(td);
      return tr;
    }));
    if (lab.frame) lab.hooks.redraw();
  }
  byId("pin-run").addEventListener("click", () => {
    const f = lab.frame;
    if (!f || !lab.config) return;
    pinned.push({
      config: JSON.parse(JSON.stringify(lab.config)), curves: f.curves, iteration: f.iteration,
      train_cost: f.train_cost, dev_cost: f.dev_cost, train_accuracy: f.train_accuracy, dev_accuracy: f.dev_accuracy,
      color: COLORS[pinned.length % COLORS.length],
    });
    renderPinned();
  });

  // ------------------------------------------------------------ copy as code
  byId("copy-code").addEventListener("click", () => lab.send({ type: "code" }));
  function showCode(m) {
    byId("code-panel").hidden = false;
    byId("code").textContent = m.code;
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(m.code).catch(() => {});
    byId("notice").textContent = `The run up to iteration ${m.iteration} as Python: below (and on the clipboard).`;
  }

  // ------------------------------------------------------------ downloads
  let wanted = null;
  function save(link, blob) {
    if (link.dataset.url) URL.revokeObjectURL(link.dataset.url);
    link.dataset.url = URL.createObjectURL(blob);
    link.href = link.dataset.url;
    link.dataset.ready = "1";
    link.click();
  }
  for (const id of ["download-model", "download-csv", "download-json"]) {
    byId(id).addEventListener("click", (e) => {
      const link = e.currentTarget;
      if (link.dataset.ready === "1") { link.dataset.ready = ""; return; }  // our own click: let it download
      e.preventDefault();
      wanted = link;
      lab.send({ type: "export" });
    });
  }
  function onExport(m) {
    const link = wanted;
    wanted = null;
    if (!link) return;
    const id = link.dataset.testid;
    if (id === "download-model") {
      const bytes = Uint8Array.from(atob(m.npz), (ch) => ch.charCodeAt(0));
      save(link, new Blob([bytes], { type: "application/octet-stream" }));
    } else if (id === "download-csv") {
      const rows = [m.columns.join(","), ...m.history.map((r) => r.map((v) => (v === null ? "" : String(v))).join(","))];
      save(link, new Blob([rows.join("\n") + "\n"], { type: "text/csv" }));
    } else {
      const records = m.history.map((r) => Object.fromEntries(m.columns.map((c, k) => [c, r[k]])));
      save(link, new Blob([JSON.stringify({ config: lab.config, history: records }, null, 1)], { type: "application/json" }));
    }
  }
  const png = { "download-png": "boundary", "download-chart-png": "cost-chart" };
  for (const [id, canvas] of Object.entries(png)) {
    byId(id).addEventListener("click", (e) => { e.currentTarget.href = byId(canvas).toDataURL("image/png"); });
  }

  lab.hooks.message.push((m) => {
    if (m.type === "code") showCode(m);
    else if (m.type === "export") onExport(m);
  });
})();
