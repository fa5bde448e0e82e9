"""Device check for the GPU backend: correctness against NumPy float64, then W3-large
throughput, trainwell on CuPy against PyTorch CUDA eager (Adam with fused=True), one card.

On the GPU machine, through the device tool (one run, then give the machine back). That
image has CuPy and PyTorch but not array-api-compat: carry its wheel, fetched here once
with ``python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12
--implementation cp --platform manylinux2014_x86_64 -d .whl array-api-compat==1.16.0``
(``.whl/`` is git-ignored), and run with ``carry=[".whl"]``, ``timeout_s=480``::

    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site || exit; nvidia-smi -L;
    PYTHONUNBUFFERED=1 python3 benchmarks/gpu_check.py --out "$OUT" 2>&1 | tee "$OUT/log.txt"

It writes ``gpu_check.json`` and ``gpu_check.md`` to ``$OUT`` (exit status 1 when a
correctness check fails; the throughput is measured and written anyway).

Here, without a GPU, a dry run checks the script's logic at tiny sizes, with PyTorch on
the CPU standing in for the device library (``--backend numpy`` also works)::

    python benchmarks/gpu_check.py --cpu --out /tmp/gpu_check

Afterwards, on any machine, put the recorded table into BENCHMARKS.md::

    python benchmarks/gpu_check.py --render gpu_check.json --update-benchmarks BENCHMARKS.md

Correctness: the same networks (dense relu/tanh/softmax with L2, batch norm with
sigmoid/leaky relu and L1, dropout with a shared mask) on the backend in float32 and float64
against NumPy float64: cost, output, every gradient, five optimizers over ten steps, a short
fit, and the statistics of device-drawn dropout masks. Bounds: float32 1e-4 (norm-wise
relative), 1e-3 for ten optimizer steps and a fit's costs; float64 1e-9.

Throughput (W3 at a larger size): 784-512-256-10 relu, softmax cross-entropy, Adam 1e-3,
float32, ``--examples`` synthetic examples (default 250,000) with learnable labels (a random
linear teacher plus noise), generated on the device, shuffled every epoch; batch 256 and
4096. trainwell runs its public ``fit`` (each step's cost stays on the device; the epoch's
costs come back in one read, which also checks for divergence); PyTorch accumulates the
loss on the device (no per-step synchronization, its strongest eager loop). Median
samples/s over ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from trainwell.backend import get_backend  # noqa: E402
from trainwell.nn import BatchNorm, Dense, Dropout, Network  # noqa: E402
from trainwell.nn.layers import TRAIN, Mode  # noqa: E402
from trainwell.optim import Adam, GradientDescent, Momentum, RMSprop  # noqa: E402
from trainwell.training import fit  # noqa: E402

BOUND = {"float32": 1e-4, "float64": 1e-9}
STEPS_BOUND = {"float32": 1e-3, "float64": 1e-9}
MARK = ("<!-- gpu-check:begin -->", "<!-- gpu-check:end -->")


# ----------------------------------------------------------------------------- correctness
def _case_layers(name):
    if name == "dense-softmax-l2":
        return [Dense(64, "relu"), Dense(32, "tanh"), Dense(10, "softmax")], {
            "loss": "categorical_crossentropy",
            "l2": 0.01,
        }
    if name == "batchnorm-sigmoid-l1":
        return [Dense(32, "relu"), BatchNorm(), Dense(16, "leaky_relu"), Dense(1, "sigmoid")], {
            "l1": 0.001
        }
    return [Dense(32, "tanh"), Dropout(0.8), Dense(3, "linear")], {"loss": "mse"}


def _case_data(name, m=512, n=20):
    rs = np.random.RandomState(1)
    X = rs.randn(m, n)
    if name == "dense-softmax-l2":
        return X, rs.randint(0, 10, m)
    if name == "batchnorm-sigmoid-l1":
        return X, (X[:, 0] + 0.3 * rs.randn(m) > 0).astype(int)
    return X, rs.randn(m, 3)


def _rel(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def _pair(name, bk, dtype):
    layers_ref, kw = _case_layers(name)
    layers_dev, _ = _case_layers(name)
    ref = Network(layers_ref, random_state=0, input_dim=20, **kw)
    dev = Network(layers_dev, random_state=0, input_dim=20, dtype=dtype, engine=bk, **kw)
    return ref, dev


def check_passes(bk, dtype):
    """Cost, output and gradients of one forward/backward, per case."""
    rows = []
    mode = Mode(True, True, True, freeze_masks=True)
    for name in ("dense-softmax-l2", "batchnorm-sigmoid-l1", "dropout-mse"):
        X, y = _case_data(name)
        ref, dev = _pair(name, bk, dtype)
        Xr, Yr = ref.check_input(X), ref.encode_targets(y)
        Xd, Yd = dev.check_input(X), dev.encode_targets(y)
        ref._forward(Xr, TRAIN)  # draws NumPy's dropout mask; the device network reuses it
        for lr_, ld in zip(ref.layers, dev.layers):
            if isinstance(lr_, Dropout):
                ld.mask = bk.asarray(lr_.mask, dtype)
                ld._active = True
        c_ref, c_dev = ref.loss_and_gradient(Xr, Yr, mode), dev.loss_and_gradient(Xd, Yd, mode)
        out_ref = ref.layers[-1].A
        errs = {
            "theta0": _rel(bk.to_numpy(dev.theta), ref.theta),
            "cost": abs(c_dev - c_ref) / abs(c_ref),
            "output": _rel(bk.to_numpy(dev.layers[-1].A), out_ref),
            "grad": _rel(bk.to_numpy(dev.grad), ref.grad),
        }
        errs["worst_parameter"] = max(
            (_rel(bk.to_numpy(g), ref.gradients()[k]), k) for k, g in dev.gradients().items()
        )[1]
        rows.append({"case": name, "dtype": dtype, **errs, "ok": _ok(errs, BOUND[dtype])})
    return rows


def _guard(check, *args):
    """``check(*args)`` as a list of rows; an exception becomes one failed row with its
    traceback, so one broken check does not cost the rest of the device run."""
    try:
        rows = check(*args)
    except Exception:
        import traceback

        return [{"check": check.__name__, "args": repr(args), "ok": False,
                 "error": traceback.format_exc()}]  # fmt: skip
    return rows if isinstance(rows, list) else [rows]


def _ok(errs, bound):
    return all(v <= bound for k, v in errs.items() if isinstance(v, float))


def check_optimizers(bk, dtype, steps=10):
    """Each optimizer's steps on the device (CuPy: one fused kernel) against NumPy float64,
    both fed NumPy's float64 gradients; the device buffer restarts at 0 before each step, so
    it holds exactly the device's step, compared with NumPy's."""
    rows = []
    X, y = _case_data("dense-softmax-l2")
    for opt in (GradientDescent(), Momentum(), Momentum(bias_correction=True), RMSprop(), Adam()):
        ref, dev = _pair("dense-softmax-l2", bk, dtype)
        Xr, Yr = ref.check_input(X), ref.encode_targets(y)
        sr, sd = opt.init(ref.theta), opt.init(dev.theta)
        errs = []
        for _ in range(steps):
            ref.loss_and_gradient(Xr, Yr)
            before = ref.theta.copy()
            dev.grad[...] = bk.asarray(ref.grad, dtype)
            dev.theta[...] = 0
            opt.update(ref.theta, ref.grad, sr, 0.01)
            opt.update(dev.theta, dev.grad, sd, 0.01)
            errs.append(_rel(bk.to_numpy(dev.theta), ref.theta - before))
        fused = bool(getattr(bk, "_kernels", {}).get(opt.name))
        rows.append(
            {
                "optimizer": repr(opt),
                "dtype": dtype,
                "step_rel_err": max(errs),
                "fused_kernel": fused,
                "ok": max(errs) <= BOUND[dtype],
            }
        )
    return rows


def check_fit(bk, dtype):
    X, y = _case_data("dense-softmax-l2", m=2048)
    hists = []
    for backend, dt in (("numpy", "float64"), (bk, dtype)):
        layers, kw = _case_layers("dense-softmax-l2")
        net = Network(layers, random_state=0, dtype=dt, engine=backend, **kw)
        h = fit(
            net,
            X,
            y,
            optimizer="adam",
            learning_rate=1e-3,
            epochs=5,
            batch_size=256,
            random_state=0,
            progress=False,
        )
        hists.append(h.cost)
    err = max(abs(a - b) / abs(b) for a, b in zip(hists[1], hists[0]))
    return {"dtype": dtype, "cost_rel_err": err, "ok": err <= STEPS_BOUND[dtype]}


def check_dropout(bk):
    net = Network(
        [Dense(1000, "relu"), Dropout(0.8), Dense(1, "sigmoid")],
        random_state=0,
        input_dim=20,
        dtype="float32",
        engine=bk,
    )
    X = np.random.RandomState(0).randn(512, 20)
    net.forward(X, training=True)
    mask = net.layers[1].mask
    kept = float((bk.to_numpy(mask) > 0).mean())
    again = Network(
        [Dense(1000, "relu"), Dropout(0.8), Dense(1, "sigmoid")],
        random_state=0,
        input_dim=20,
        dtype="float32",
        engine=bk,
    )
    again.forward(X, training=True)
    same = bool(np.array_equal(bk.to_numpy(again.layers[1].mask), bk.to_numpy(mask)))
    on_device = bk.is_array(mask) or bk.is_numpy
    return {
        "kept_fraction": kept,
        "reproducible": same,
        "drawn_on_device": on_device,
        "ok": abs(kept - 0.8) < 0.005 and same and on_device,
    }


def check_reproduce(bk):
    """``trainwell reproduce --backend`` (the experiments' own code path) at a small scale:
    the same accuracies and costs as NumPy. The experiments run in float64, so the bound
    is float64 rounding compounded over a few hundred steps; accuracies may differ by an
    example whose output sits at 0.5. The "random" initialization (weights x 10) is left
    out: its cost jumps by 10x from step to step, so any other matrix-product library
    (PyTorch on the CPU too) leaves NumPy's trajectory after a few dozen steps."""
    from trainwell.course._base import Settings
    from trainwell.course.runner import reproduce
    from trainwell.report import results_json

    names = ["initialization", "normalization"]
    kw = {"scale": 0.05, "figures": False}
    out = [
        json.loads(results_json(reproduce(names, Settings(**kw, backend=name))))
        for name in ("numpy", bk.name)
    ]
    worst_cost, worst_acc = 0.0, 0.0
    for exp in names:
        for variant, ref in out[0][exp].items():
            dev = out[1][exp][variant]
            if not isinstance(ref, dict) or "costs" not in ref or variant == "random":
                continue
            for it, c in ref["costs"].items():
                worst_cost = max(worst_cost, abs(dev["costs"][it] - c) / max(abs(c), 1e-300))
            for key in ("train_accuracy", "test_accuracy"):
                worst_acc = max(worst_acc, abs(dev[key] - ref[key]))
    return {
        "check": "reproduce --backend",
        "cost_rel_err": worst_cost,
        "accuracy_abs_diff": worst_acc,
        "ok": worst_cost <= 1e-6 and worst_acc <= 0.01,
    }


# ----------------------------------------------------------------------------- throughput
def make_data(torch, device, m, seed=0):
    """W3's synthetic set on the device: X ~ N(0, 1), labels of a noisy linear teacher."""
    g = torch.Generator(device=device).manual_seed(seed)
    X = torch.randn(m, 784, generator=g, device=device)
    teacher = torch.randn(784, 10, generator=g, device=device) / 28.0
    noise = 0.5 * torch.randn(m, 10, generator=g, device=device)
    return X, torch.argmax(X @ teacher + noise, dim=1)


def to_backend(bk, t):
    if bk.name == "cupy":
        import cupy

        return cupy.from_dlpack(t)
    if bk.name.startswith("torch"):
        return t
    return bk.asarray(t.cpu().numpy())


def run_trainwell(bk, X, y, bs, epochs):
    net = Network(
        [Dense(512, "relu"), Dense(256, "relu"), Dense(10, "softmax")],
        loss="categorical_crossentropy",
        dtype="float32",
        random_state=0,
        engine=bk,
    )
    kw = {"optimizer": Adam(), "learning_rate": 1e-3, "batch_size": bs, "progress": False}
    warm = min(X.shape[0], 20 * bs)
    fit(net, X[:warm, ...], y[:warm, ...], epochs=1, random_state=1, **kw)  # compile kernels
    bk.synchronize()
    t = time.perf_counter()
    h = fit(net, X, y, epochs=epochs, random_state=0, **kw)
    bk.synchronize()
    dt = time.perf_counter() - t
    return dt, h.cost[-1]


def run_torch(torch, device, X, y, bs, epochs):
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10)
    ).to(device)
    try:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
    except (RuntimeError, TypeError):  # an older CPU build: its default implementation
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    m = X.shape[0]

    def epoch_loop(Xa, ya, n_epochs):
        total = torch.zeros((), device=device)
        for _ in range(n_epochs):
            perm = torch.randperm(Xa.shape[0], device=device)
            Xs, ys = Xa[perm], ya[perm]
            total = torch.zeros((), device=device)
            for i in range(0, Xa.shape[0], bs):
                xb, yb = Xs[i : i + bs], ys[i : i + bs]
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(xb), yb)
                loss.backward()
                opt.step()
                total += loss.detach() * xb.shape[0]
        return total / Xa.shape[0]

    warm = min(m, 20 * bs)
    epoch_loop(X[:warm], y[:warm], 1)
    _sync(torch, device)
    t = time.perf_counter()
    last = epoch_loop(X, y, epochs)
    _sync(torch, device)
    return time.perf_counter() - t, float(last)


def _sync(torch, device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def throughput(bk, torch, device, m, batch_sizes, epochs, repeats, on_row=None):
    """W3 rows, one per batch size; ``on_row(rows)`` after each, so a run cut short by
    the device's time limit still leaves the rows it measured."""
    X, y = make_data(torch, device, m)
    Xb, yb = to_backend(bk, X), to_backend(bk, y)
    rows = []
    for bs in batch_sizes:
        tw, pt = [], []
        try:
            for _ in range(repeats):  # alternate, so drift hits both alike
                dt, tw_cost = run_trainwell(bk, Xb, yb, bs, epochs)
                tw.append(epochs * m / dt)
                dt, pt_cost = run_torch(torch, device, X, y, bs, epochs)
                pt.append(epochs * m / dt)
        except Exception:
            import traceback

            print(f"  batch {bs}: FAILED\n{traceback.format_exc()}", flush=True)
            continue
        steps = epochs * math.ceil(m / bs)
        row = {
            "batch_size": bs,
            "trainwell_samples_per_s": statistics.median(tw),
            "torch_samples_per_s": statistics.median(pt),
            "trainwell_step_us": 1e6 * epochs * m / statistics.median(tw) / steps,
            "torch_step_us": 1e6 * epochs * m / statistics.median(pt) / steps,
            "trainwell_runs": tw,
            "torch_runs": pt,
            "trainwell_last_cost": tw_cost,
            "torch_last_cost": pt_cost,
        }
        row["ratio"] = row["trainwell_samples_per_s"] / row["torch_samples_per_s"]
        rows.append(row)
        if on_row is not None:
            on_row(rows)
        print(
            f"  batch {bs}: trainwell {row['trainwell_samples_per_s'] / 1e6:.3f} M/s, "
            f"torch {row['torch_samples_per_s'] / 1e6:.3f} M/s, ratio {row['ratio']:.2f}",
            flush=True,
        )
    return rows


# ----------------------------------------------------------------------------- report
def environment(bk, torch, device):
    env = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "backend": bk.name,
        "torch_device": str(device),
    }
    if torch.device(device).type == "cuda":
        env["card"] = torch.cuda.get_device_name(0)
        env["torch_tf32_matmul"] = bool(torch.backends.cuda.matmul.allow_tf32)
    else:
        env["card"] = f"CPU ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)"
    if bk.name == "cupy":
        import cupy

        env["cupy"] = cupy.__version__
        env["cuda_runtime"] = cupy.cuda.runtime.runtimeGetVersion()
        env["driver"] = cupy.cuda.runtime.driverGetVersion()
    try:
        import array_api_compat

        env["array_api_compat"] = array_api_compat.__version__
    except ImportError:
        pass
    return env


def render(result):
    env, lines = result["environment"], []
    lines.append(f"### GPU backend: {env['card']} ({result['mode']})")
    lines.append("")
    lines.append(
        f"trainwell `backend={env['backend']!r}` against PyTorch {env['torch']} eager, "
        f"Adam(fused=True), same card; W3 at {result['examples']:,} examples, float32, "
        f"{result['epochs']} epoch(s) per run, median of {result['repeats']}. "
        + ", ".join(f"{k} {env[k]}" for k in ("cupy", "array_api_compat", "numpy") if k in env)
        + "."
    )
    lines += [
        "",
        "| batch | trainwell samples/s | PyTorch samples/s | ratio | trainwell µs/step "
        "| PyTorch µs/step | last cost (tw / torch) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["throughput"]:
        lines.append(
            f"| {r['batch_size']} | {r['trainwell_samples_per_s'] / 1e6:.3f} M "
            f"| {r['torch_samples_per_s'] / 1e6:.3f} M | {r['ratio']:.2f} "
            f"| {r['trainwell_step_us']:.0f} | {r['torch_step_us']:.0f} "
            f"| {r['trainwell_last_cost']:.4f} / {r['torch_last_cost']:.4f} |"
        )
    spread = "; ".join(
        f"batch {r['batch_size']}: trainwell {min(r['trainwell_runs']) / 1e6:.3f}-"
        f"{max(r['trainwell_runs']) / 1e6:.3f}, PyTorch {min(r['torch_runs']) / 1e6:.3f}-"
        f"{max(r['torch_runs']) / 1e6:.3f}"
        for r in result["throughput"]
    )
    lines += ["", f"- runs (M samples/s, lowest-highest): {spread}"]
    if result["mode"] == "gpu":
        lines += [
            "- Why: at these sizes a step is bound by the host issuing kernels, not by the "
            "card (each launch cost 10-16 µs of host time on the machine that measured "
            "this). trainwell's W3 step issues about 25: one kernel each for a Dense "
            "layer's bias and ReLU, for the ReLU backward pass, for the softmax "
            "cross-entropy terms and for the output gradient, and the optimizer step in "
            "one kernel over the flat buffer (the array API expressions alone issued about "
            "45). PyTorch's eager step is host-bound the same way: its time per step "
            "barely changes from batch 256 to 4096. Per epoch, trainwell draws the shuffle with NumPy's generator "
            "(so a device run follows NumPy's) and copies it over: about 8 ms, which "
            "weighs more at batch 4096 (62 steps an epoch) than at 256 (977).",
            "- benchmarks/results/gpu/ keeps the JSON of this run and of earlier ones "
            "(named by commit), among them the runs before these kernels.",
        ]
    c = result["correctness"]
    worst = max(
        ((r["grad"], r["case"], r["dtype"]) for r in c["passes"] if "grad" in r),
        default=(math.nan, "none", "-"),
    )
    lines += [
        "",
        f"Correctness against NumPy float64: {'passed' if c['passed'] else 'FAILED'} "
        f"(worst gradient relative error {worst[0]:.1e}, {worst[1]} in {worst[2]}; "
        f"optimizers fused into one kernel: "
        f"{all(r.get('fused_kernel') for r in c['optimizers']) if env['backend'] == 'cupy' else 'n/a'}).",
    ]
    if c.get("kernels"):
        lines += ["", f"Compiled kernels that ran: {', '.join(c['kernels'])}."]
    failed = [r for r in c["passes"] + c["optimizers"] + c["fit"] + [c["dropout"]] if not r["ok"]]
    lines += [
        f"- failed: {r.get('case') or r.get('optimizer') or r.get('check', r)}" for r in failed
    ]
    return "\n".join(lines) + "\n"


def update_benchmarks(md_path, section):
    path = Path(md_path)
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{MARK[0]}\n{section}{MARK[1]}"
    if MARK[0] in text and MARK[1] in text:
        head, rest = text.split(MARK[0], 1)
        text = head + block + rest.split(MARK[1], 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cpu", action="store_true", help="dry run: tiny sizes, no GPU needed")
    p.add_argument("--backend", help="trainwell backend (default: cupy; --cpu: torch:cpu)")
    p.add_argument("--out", default=os.environ.get("OUT", "."), help="folder for the results")
    p.add_argument("--examples", type=int, help="W3 examples (default 250000; --cpu 4096)")
    p.add_argument("--batch-sizes", default=None, help="default 256,4096 (--cpu: 64,512)")
    p.add_argument("--epochs", type=int, default=None, help="epochs per timed run")
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--render", help="a gpu_check.json to print as markdown (no run)")
    p.add_argument("--update-benchmarks", help="with --render or a run: update this .md")
    a = p.parse_args(argv)
    if a.render:
        section = render(json.loads(Path(a.render).read_text()))
        print(section)
        if a.update_benchmarks:
            update_benchmarks(a.update_benchmarks, section)
        return 0
    import torch

    bk = get_backend(a.backend or ("torch:cpu" if a.cpu else "cupy"))
    device = "cpu" if a.cpu else "cuda"
    m = a.examples or (4096 if a.cpu else 250_000)
    sizes = [int(s) for s in (a.batch_sizes or ("64,512" if a.cpu else "256,4096")).split(",")]
    epochs, repeats = a.epochs or (1 if a.cpu else 2), a.repeats or (1 if a.cpu else 3)
    result = {
        "mode": "cpu dry run" if a.cpu else "gpu",
        "examples": m,
        "epochs": epochs,
        "repeats": repeats,
        "environment": environment(bk, torch, device),
    }
    print(f"gpu_check on {result['environment']['card']}, backend {bk.name}", flush=True)
    t = time.perf_counter()
    # The device run happens once: a check that raises is recorded, and the rest still run.
    passes = _guard(check_passes, bk, "float32") + _guard(check_passes, bk, "float64")
    opts = _guard(check_optimizers, bk, "float32") + _guard(check_optimizers, bk, "float64")
    fits = _guard(check_fit, bk, "float32") + _guard(check_fit, bk, "float64")
    (drop,) = _guard(check_dropout, bk)
    fits += _guard(check_reproduce, bk)
    ok = all(r["ok"] for r in passes + opts + fits) and drop["ok"]
    result["correctness"] = {
        "passed": ok,
        "kernels": sorted(getattr(bk, "_kernels", {})),  # compiled on the card
        "passes": passes,
        "optimizers": opts,
        "fit": fits,
        "dropout": drop,
        "seconds": time.perf_counter() - t,
    }
    print(f"correctness: {'passed' if ok else 'FAILED'} ({time.perf_counter() - t:.1f} s)")
    for r in passes + opts + fits + [drop]:
        if not r["ok"]:
            print("  FAILED:", r)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)

    def save(rows):  # after correctness and after every row: a timeout keeps what was done
        result["throughput"] = list(rows)
        (out / "gpu_check.json").write_text(json.dumps(result, indent=1, default=str))

    save([])
    save(throughput(bk, torch, device, m, sizes, epochs, repeats, on_row=save))
    section = render(result)
    (out / "gpu_check.md").write_text(section)
    if a.update_benchmarks:
        update_benchmarks(a.update_benchmarks, section)
    print(section)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
