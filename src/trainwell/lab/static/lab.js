// trainwell lab: the page. Plain JS and canvas, no library, works offline.
// The server trains; this file sends checked-by-server messages and draws the newest frame,
// at most once per animation frame and only when a new frame came (never per training step).
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token") || "";
const byId = (id) => document.querySelector(`[data-testid="${id}"]`);
const NEG = [245, 147, 34], MID = [232, 234, 235], POS = [8, 119, 189];
const CLASS_COLORS = [[245, 147, 34], [8, 119, 189], [46, 160, 67], [156, 39, 176], [230, 57, 70], [0, 150, 136], [121, 85, 72], [96, 125, 139]];
const HASH_KEYS = {  // config key -> short name in the URL's hash
  dataset: "data", noise: "noise", train_ratio: "ratio", seed: "seed", standardize: "std",
  label_column: "label", init: "init", init_scale: "scale", l2: "l2", l1: "l1",
  optimizer: "opt", learning_rate: "lr", beta: "beta", beta2: "beta2", epsilon: "eps",
  decay: "decay", decay_rate: "dr", decay_step: "ds", batch_size: "batch", speed: "speed",
};
const ACTIVATIONS = ["tanh", "relu", "sigmoid", "linear", "leaky_relu"];

let ws = null, config = null, data = null, frame = null, dirty = false;
const stats = { frames: 0, draws: 0 };
const hooks = { message: [], render: [], redraw: () => { dirty = true; } };  // lessons.js and runs.js plug in here
window.trainwellLab = { stats, hooks, send, get config() { return config; }, get frame() { return frame; }, get data() { return data; } };

// ---------------------------------------------------------------- connection
function send(message) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}
function sendConfig(update) { send({ type: "config", config: update }); }

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  ws = new WebSocket(`${scheme}://${location.host}/ws?token=${encodeURIComponent(TOKEN)}`);
  ws.onopen = () => {
    const update = configFromHash();
    if (Object.keys(update).length) sendConfig(update);
  };
  ws.onmessage = (event) => {
    const m = JSON.parse(event.data);
    if (m.type === "state") onState(m);
    else if (m.type === "config") { config = m.config; if (m.note) byId("notice").textContent = m.note; syncControls(); writeHash(); }
    else if (m.type === "frame") { frame = m; dirty = true; stats.frames++; }
    else if (m.type === "error") { showError(m.message); if (config) syncControls(); }  // show what is in force
    for (const h of hooks.message) h(m);
  };
  ws.onclose = () => showError("Disconnected from the lab server: is `trainwell lab` still running? Reload to reconnect.");
}

function onState(m) {
  config = m.config; data = m.data;
  byId("notice").textContent = m.reason;
  byId("data-note").textContent = data.note || `${data.n_train} train and ${data.n_dev} dev examples, ${data.n_features} features.`;
  syncControls(); buildLayerHeads(); writeHash(); drawPreview();
}

function showError(text) {
  const el = byId("error");
  el.textContent = text; el.hidden = false;
}
byId("error").addEventListener("click", () => { byId("error").hidden = true; });

// ---------------------------------------------------------------- URL state
function layersToText(layers) {
  return layers.map((l) => [l.units, l.activation, l.batch_norm ? "bn" : "", l.keep_prob].join(":")).join(",");
}
function textToLayers(text) {
  if (text === "") return [];
  return text.split(",").map((part) => {
    const [units, activation, bn, keep] = part.split(":");
    return { units: Number(units), activation, batch_norm: bn === "bn", keep_prob: keep === undefined ? 1 : Number(keep) };
  });
}
function writeHash() {
  if (!config) return;
  const p = new URLSearchParams();
  for (const [key, short] of Object.entries(HASH_KEYS)) p.set(short, String(config[key]));
  p.set("layers", layersToText(config.layers));
  history.replaceState(null, "", `${location.pathname}${location.search}#${p.toString()}`);
}
function configFromHash() {
  const p = new URLSearchParams(location.hash.slice(1)), out = {};
  for (const [key, short] of Object.entries(HASH_KEYS)) {
    if (!p.has(short)) continue;
    const raw = p.get(short);
    if (key === "dataset" || key === "init" || key === "optimizer" || key === "decay") out[key] = raw;
    else if (key === "standardize") out[key] = raw === "true";
    else if (key === "batch_size") out[key] = /^\d+$/.test(raw) ? Number(raw) : raw;
    else out[key] = Number(raw);
  }
  if (p.has("layers")) out.layers = textToLayers(p.get("layers"));
  return out;
}

// ---------------------------------------------------------------- controls
function parseValue(el) {
  const type = el.dataset.type, raw = el.type === "checkbox" ? el.checked : el.value.trim();
  if (type === "bool") return raw;
  if (type === "float" || type === "int") { const x = Number(raw); return raw !== "" && Number.isFinite(x) ? x : raw; }
  if (type === "batch") return /^\d+$/.test(raw) ? Number(raw) : raw;
  return raw;
}
for (const el of document.querySelectorAll("[data-key]")) {
  el.addEventListener("change", () => sendConfig({ [el.dataset.key]: parseValue(el) }));
}
for (const id of ["ratio", "noise"]) {
  document.getElementById(id).addEventListener("input", (e) => { document.getElementById(`${id}-value`).textContent = label(id, Number(e.target.value)); });
}
function label(id, x) { return id === "ratio" ? `${Math.round(x * 100)}%` : x.toFixed(2); }

function syncControls() {
  for (const el of document.querySelectorAll("[data-key]")) {
    if (document.activeElement === el && el.tagName === "INPUT" && el.type !== "range") continue;
    const v = config[el.dataset.key];
    if (el.type === "checkbox") el.checked = Boolean(v); else el.value = String(v);
  }
  document.getElementById("ratio-value").textContent = label("ratio", config.train_ratio);
  document.getElementById("noise-value").textContent = label("noise", config.noise);
  const show = {
    decay: config.decay !== "none", "decay-step": config.decay === "staircase" || config.decay === "fixed_interval",
    beta: config.optimizer !== "gd", beta2: config.optimizer === "adam",
    epsilon: config.optimizer === "adam" || config.optimizer === "rmsprop", scale: config.init === "random",
  };
  for (const el of document.querySelectorAll("[data-show]")) el.hidden = !show[el.dataset.show];
  byId("layer-count").textContent = String(config.layers.length);
}

byId("play").addEventListener("click", () => { send({ type: "control", action: "play" }); document.body.classList.add("playing"); });
byId("pause").addEventListener("click", () => { send({ type: "control", action: "pause" }); document.body.classList.remove("playing"); });
byId("step").addEventListener("click", () => send({ type: "control", action: "step" }));
byId("step-epoch").addEventListener("click", () => send({ type: "control", action: "step_epoch" }));
byId("reset").addEventListener("click", () => send({ type: "control", action: "reset" }));
byId("regenerate").addEventListener("click", () => sendConfig({ seed: (config.seed + 1) % 2147483647 }));
byId("add-layer").addEventListener("click", () => {
  const last = config.layers[config.layers.length - 1];
  sendConfig({ layers: [...config.layers, { units: 4, activation: last ? last.activation : "tanh", batch_norm: false, keep_prob: 1 }] });
});
byId("remove-layer").addEventListener("click", () => sendConfig({ layers: config.layers.slice(0, -1) }));

function setLayer(i, change) {
  sendConfig({ layers: config.layers.map((l, j) => (j === i ? { ...l, ...change } : l)) });
}
function buildLayerHeads() {
  const heads = document.getElementById("layer-heads");
  heads.style.gridTemplateColumns = `repeat(${config.layers.length + 2}, 1fr)`;
  heads.replaceChildren();
  const plain = (text) => { const d = document.createElement("div"); d.className = "layer-head"; d.textContent = text; return d; };
  heads.append(plain(data.n_features === 2 ? "FEATURES" : `${data.n_features} FEATURES`));
  if (config.layers.length > 8) {  // a deep network: one compact head for all its layers
    heads.style.gridTemplateColumns = "1fr 4fr 1fr";
    const l = config.layers[0];
    heads.append(plain(`${config.layers.length} hidden layers of ${l.units} ${l.activation} units`), plain("OUTPUT"));
    return;
  }
  config.layers.forEach((layer, i) => {
    const head = document.createElement("div");
    head.className = "layer-head"; head.dataset.testid = `layer-${i + 1}`;
    const units = document.createElement("div"); units.className = "units";
    const plus = Object.assign(document.createElement("button"), { className: "round tiny", textContent: "+", title: "Add a unit" });
    const minus = Object.assign(document.createElement("button"), { className: "round tiny", textContent: "−", title: "Remove a unit" });
    plus.dataset.testid = `units-plus-${i + 1}`; minus.dataset.testid = `units-minus-${i + 1}`;
    plus.onclick = () => setLayer(i, { units: layer.units + 1 });
    minus.onclick = () => setLayer(i, { units: Math.max(1, layer.units - 1) });
    units.append(plus, minus);
    const count = document.createElement("span"); count.textContent = `${layer.units} unit${layer.units > 1 ? "s" : ""}`;
    const act = document.createElement("select"); act.dataset.testid = `activation-${i + 1}`;
    for (const a of ACTIVATIONS) act.append(new Option(a, a, false, a === layer.activation));
    act.onchange = () => setLayer(i, { activation: act.value });
    const bn = document.createElement("label"); bn.className = "check";
    const box = Object.assign(document.createElement("input"), { type: "checkbox", checked: layer.batch_norm });
    box.dataset.testid = `batch-norm-${i + 1}`;
    box.onchange = () => setLayer(i, { batch_norm: box.checked });
    bn.append(box, "batch norm");
    const keep = Object.assign(document.createElement("input"), { className: "keep", value: String(layer.keep_prob), title: "dropout keep_prob" });
    keep.dataset.testid = `keep-prob-${i + 1}`;
    keep.onchange = () => { const x = Number(keep.value); setLayer(i, { keep_prob: Number.isFinite(x) && keep.value !== "" ? x : keep.value }); };
    const keepLabel = document.createElement("span"); keepLabel.append("keep ", keep);
    head.append(units, count, act, bn, keepLabel);
    heads.append(head);
  });
  heads.append(plain("OUTPUT"));
}

// ---------------------------------------------------------------- upload
byId("upload").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const q = new URLSearchParams({ token: TOKEN, name: file.name, label_column: String(config ? config.label_column : -1) });
  let reply;
  try {
    const response = await fetch(`/api/upload?${q}`, { method: "POST", body: file });
    reply = await response.json().catch(() => ({ error: `the server answered ${response.status}.` }));
    if (!response.ok) { showError(`Upload refused: ${reply.error}`); return; }
  } catch (err) { showError(`Upload failed: ${err}`); return; }
  byId("error").hidden = true;
  byId("notice").textContent = `Loaded ${reply.name}: ${reply.n_examples} examples, ${reply.n_features} features, ${reply.n_classes} classes.`;
  sendConfig({ dataset: "upload" });
});

// ---------------------------------------------------------------- drawing helpers
function mix(a, b, t) { return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * t)); }
function signedColor(t) { return t < 0.5 ? mix(NEG, MID, t * 2) : mix(MID, POS, (t - 0.5) * 2); }
const LUT = Array.from({ length: 256 }, (_, v) => signedColor(v / 255));
const SOFT = LUT.map((c) => mix(c, [255, 255, 255], 0.35));  // the boundary's background, lighter than its points
function decode(b64) { const s = atob(b64), out = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i); return out; }
const scratch = new Map();
function mapImage(bytes, size, kind, soft) {
  const key = `${size}`;
  if (!scratch.has(key)) { const c = document.createElement("canvas"); c.width = c.height = size; scratch.set(key, c); }
  const c = scratch.get(key), ctx = c.getContext("2d"), img = ctx.createImageData(size, size);
  const discrete = kind !== "classes" && document.getElementById("discretize").checked;
  for (let i = 0; i < bytes.length; i++) {
    let rgb;
    if (kind === "classes") rgb = mix(MID, CLASS_COLORS[bytes[i] % CLASS_COLORS.length], 0.55);
    else rgb = (soft ? SOFT : LUT)[discrete ? (bytes[i] > 127 ? 255 : 0) : bytes[i]];
    img.data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
  return c;
}
function fit(canvas) {  // match the canvas's pixels to its CSS size (sharp on any screen)
  const r = window.devicePixelRatio || 1, w = Math.round(canvas.clientWidth * r), h = Math.round(canvas.clientHeight * r);
  if (w > 0 && h > 0 && (canvas.width !== w || canvas.height !== h)) { canvas.width = w; canvas.height = h; }
  return canvas.getContext("2d");
}
function drawPoints(ctx, w, h, pts, labels, dev) {
  if (!data || !data.planar) return;
  const [x0, x1, y0, y1] = data.extent, r = Math.max(2, w / 110);
  for (let i = 0; i < pts.length; i++) {
    const px = ((pts[i][0] - x0) / (x1 - x0)) * w, py = ((y1 - pts[i][1]) / (y1 - y0)) * h;
    const c = data.n_classes === 2 ? (labels[i] ? POS : NEG) : CLASS_COLORS[labels[i] % CLASS_COLORS.length];
    ctx.beginPath(); ctx.arc(px, py, r, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${c})`; ctx.fill();
    ctx.lineWidth = w / 300; ctx.strokeStyle = dev ? "#222" : "#fff"; ctx.stroke();
  }
}
function drawPreview() {
  const canvas = byId("data-preview"), ctx = fit(canvas), w = canvas.width, h = canvas.height;
  ctx.fillStyle = "#fafafa"; ctx.fillRect(0, 0, w, h);
  drawPoints(ctx, w, h, data.train, data.y_train, false);
}

// ---------------------------------------------------------------- the views
function render() {
  const f = frame;
  byId("iteration").textContent = String(f.iteration);
  byId("epoch").textContent = String(f.epoch);
  byId("current-lr").textContent = Number(f.learning_rate).toPrecision(3);
  const num = (x) => (x === null || x === undefined ? "-" : Number(x).toFixed(3));
  byId("train-cost").textContent = num(f.train_cost);
  byId("dev-cost").textContent = num(f.dev_cost);
  byId("train-accuracy").textContent = num(f.train_accuracy);
  byId("dev-accuracy").textContent = num(f.dev_accuracy);
  document.body.classList.toggle("playing", Boolean(f.playing));
  drawBoundary(f); drawChart(f); drawNetwork(f);
  for (const h of hooks.render) h(f);
}

function drawBoundary(f) {
  const canvas = byId("boundary"), ctx = fit(canvas), w = canvas.width, h = canvas.height;
  ctx.fillStyle = "#fafafa"; ctx.fillRect(0, 0, w, h);
  if (!f.boundary || !data) {
    ctx.fillStyle = "#888"; ctx.font = `${Math.round(w / 22)}px sans-serif`; ctx.textAlign = "center";
    ctx.fillText("no boundary: the data have one feature", w / 2, h / 2); return;
  }
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(mapImage(decode(f.boundary), 64, f.kind, true), 0, 0, w, h);
  drawPoints(ctx, w, h, data.train, data.y_train, false);
  if (document.getElementById("show-dev").checked) drawPoints(ctx, w, h, data.dev, data.y_dev, true);
}

function drawChart(f) {
  const canvas = byId("cost-chart"), ctx = fit(canvas), w = canvas.width, h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  const pts = f.curves.filter((p) => p[1] !== null), pinned = window.trainwellLab.pinned || [];
  if (pts.length < 2 && !pinned.length) return;
  let xmax = pts.length ? pts[pts.length - 1][0] : 1, ymax = 0;
  for (const run of pinned) for (const p of run.curves) { xmax = Math.max(xmax, p[0]); ymax = Math.max(ymax, p[1] || 0); }
  for (const p of pts) ymax = Math.max(ymax, p[1], p[2] === null ? 0 : p[2]);
  xmax = xmax || 1; ymax = ymax || 1;
  for (const run of pinned) {  // pinned runs' train cost, dashed, under the live curves
    ctx.beginPath(); ctx.strokeStyle = run.color; ctx.lineWidth = 1.5 * (window.devicePixelRatio || 1); ctx.setLineDash([5, 3]);
    run.curves.filter((p) => p[1] !== null).forEach((p, i) => { const x = (p[0] / xmax) * (w - 2) + 1, y = h - 2 - (p[1] / ymax) * (h - 6); i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
    ctx.stroke(); ctx.setLineDash([]);
  }
  const r = window.devicePixelRatio || 1;
  ctx.fillStyle = "#999"; ctx.font = `${10 * r}px sans-serif`; ctx.textBaseline = "top";
  ctx.textAlign = "right"; ctx.fillText(`loss ${ymax.toPrecision(3)}`, w - 2, 12 * r);
  ctx.textAlign = "right"; ctx.fillText(`iteration ${xmax}`, w - 2, 1);
  for (const [col, color, width] of [[2, "#aaa", 1.5], [1, "#333", 1.5]]) {
    ctx.beginPath(); ctx.strokeStyle = color; ctx.lineWidth = width * (window.devicePixelRatio || 1);
    pts.forEach((p, i) => { const x = (p[0] / xmax) * (w - 2) + 1, y = h - 2 - (p[col] / ymax) * (h - 6); i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
    ctx.stroke();
  }
}

function drawNetwork(f) {
  const canvas = document.getElementById("network");
  if (!config || !data) return;
  const nIn = Math.min(data.n_features, 12);
  const sizes = [nIn, ...config.layers.map((l) => l.units), f.weights.length ? f.weights[f.weights.length - 1].length : 1];
  const most = Math.max(...sizes);
  const cssBox = Math.max(14, Math.min(36, 330 / most)), cssGap = cssBox * 1.35;  // nodes shrink for wide layers
  canvas.style.height = `${Math.ceil(most * cssGap + 12)}px`;
  const ctx = fit(canvas), W = canvas.width, H = canvas.height, r = window.devicePixelRatio || 1;
  ctx.clearRect(0, 0, W, H);
  const cols = sizes.length, colW = W / cols, box = Math.min(cssBox * r, colW * 0.5), gap = cssGap * r;
  const pos = sizes.map((n, c) => Array.from({ length: n }, (_, k) => [colW * (c + 0.5), 6 * r + gap * (k + (most - n) / 2) + box / 2]));
  // links, by sign and size of each weight W[l][j][i] from unit i of column l to unit j of column l+1
  f.weights.forEach((Wl, l) => {
    if (l + 1 >= pos.length) return;  // a frame of the previous network, drawn before the new one's
    let peak = 1e-9;
    for (const row of Wl) for (const v of row) peak = Math.max(peak, Math.abs(v));
    Wl.forEach((row, j) => row.forEach((v, i) => {
      if (i >= pos[l].length || j >= pos[l + 1].length) return;
      const [ax, ay] = pos[l][i], [bx, by] = pos[l + 1][j];
      ctx.beginPath(); ctx.moveTo(ax + box / 2, ay);
      ctx.bezierCurveTo((ax + bx) / 2, ay, (ax + bx) / 2, by, bx - box / 2, by);
      ctx.strokeStyle = `rgba(${v >= 0 ? POS : NEG},${0.25 + 0.75 * Math.abs(v) / peak})`;
      ctx.lineWidth = Math.max(0.5 * r, (Math.abs(v) / peak) * 5 * r);
      ctx.stroke();
    }));
  });
  // nodes: inputs as their own coordinate, hidden units as their activation map, output as the boundary
  ctx.imageSmoothingEnabled = true;
  pos.forEach((column, c) => column.forEach(([x, y], k) => {
    const left = x - box / 2, top = y - box / 2;
    if (c === 0) drawInput(ctx, k, left, top, box);
    else if (c < cols - 1 && f.units && f.units[c - 1] && f.units[c - 1][k]) ctx.drawImage(mapImage(decode(f.units[c - 1][k]), 32, "signed"), left, top, box, box);
    else if (c === cols - 1 && f.boundary) ctx.drawImage(mapImage(decode(f.boundary), 64, f.kind), left, top, box, box);
    else { ctx.fillStyle = "#eee"; ctx.fillRect(left, top, box, box); }
    ctx.strokeStyle = "#999"; ctx.lineWidth = r; ctx.strokeRect(left, top, box, box);
  }));
}
function drawInput(ctx, k, left, top, box) {
  if (data.n_features === 2 && k < 2) {
    const n = 16, cell = box / n;
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
      const t = k === 0 ? b / (n - 1) : 1 - a / (n - 1);
      ctx.fillStyle = `rgb(${signedColor(t)})`; ctx.fillRect(left + b * cell, top + a * cell, cell + 0.5, cell + 0.5);
    }
  } else { ctx.fillStyle = "#f0f0f0"; ctx.fillRect(left, top, box, box); }
  ctx.fillStyle = "#333"; ctx.font = `${Math.round(box / 3)}px sans-serif`; ctx.textAlign = "center"; ctx.textBaseline = "middle";
  ctx.fillText(`x${k + 1}`, left + box / 2, top + box / 2);
}

function tick() {
  requestAnimationFrame(tick);  // first, so that one bad frame cannot stop the redraws
  if (dirty && frame) { dirty = false; render(); stats.draws++; }
}
for (const id of ["show-dev", "discretize"]) document.getElementById(id).addEventListener("change", () => { dirty = true; });
window.addEventListener("resize", () => { dirty = true; });
connect();
requestAnimationFrame(tick);
