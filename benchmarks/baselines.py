"""The implementations the workloads compare: trainwell and three baselines.

Each ``train_*`` function trains one fully connected network described by a :class:`Spec`
from the same initial weights (trainwell's He draw; scikit-learn's too, set after a
one-epoch warm-up outside the timing) and returns ``{"seconds", "steps", "accuracy"}``:
the wall time of the training loop only (no imports, no data preparation), the optimizer
steps taken, and the accuracy of the trained network on the training set (so nothing is
timed that does no work) and, when given, on a test set.

The course-style baseline is written the way the course writes it: parameter dicts,
features-by-examples arrays ``X`` of shape (n_x, m), forward caches, per-layer backward
and update loops, ``random_mini_batches`` re-drawn each epoch.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from course_style import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    course_predict,
    initialize_adam,
    random_mini_batches,
    update_parameters,
    update_parameters_with_adam,
)


@dataclass
class Spec:
    """One training job: layer sizes, activations, optimizer, batches, epochs, dtype."""

    dims: list[int]
    hidden: str = "relu"
    output: str = "sigmoid"  # or "softmax"
    optimizer: str = "gd"  # or "adam"
    learning_rate: float = 0.01
    batch_size: int | None = None  # None: the full batch
    epochs: int = 1
    dtype: str = "float64"
    seed: int = 3
    betas: tuple[float, float] = (0.9, 0.999)
    epsilon: float = 1e-8
    extra: dict[str, Any] = field(default_factory=dict)

    def batches_per_epoch(self, m: int) -> int:
        return 1 if self.batch_size is None else math.ceil(m / self.batch_size)


def initial_weights(spec: Spec) -> list[tuple[np.ndarray, np.ndarray]]:
    """trainwell's He initialization for ``spec`` (the course's, for an int seed)."""
    net = trainwell_network(spec)
    p = net.parameters()
    return [(p[f"W{l}"].copy(), p[f"b{l}"].copy()) for l in range(1, len(spec.dims))]


def trainwell_network(spec: Spec) -> Any:
    from trainwell.nn import Dense, Network

    layers = [Dense(n, spec.hidden, init="he") for n in spec.dims[1:-1]]
    layers.append(Dense(spec.dims[-1], spec.output, init="he"))
    loss = "binary_crossentropy" if spec.output == "sigmoid" else "categorical_crossentropy"
    return Network(
        layers, loss=loss, random_state=spec.seed, dtype=spec.dtype, input_dim=spec.dims[0]
    )


def _accuracy(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.asarray(pred).ravel() == np.asarray(y).ravel()))


def _predict(predict: Any, X: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """Predictions in chunks, so evaluating does not raise the peak memory above training's
    (chunks of 4096 rows did: W3's first layer alone held 16 MiB of activations per chunk,
    22 MiB above the training run's peak)."""
    return np.concatenate([np.asarray(predict(X[k : k + chunk])) for k in range(0, len(X), chunk)])


def _scores(predict: Any, X: np.ndarray, y: np.ndarray, test: Any) -> dict[str, float]:
    out = {"accuracy": _accuracy(_predict(predict, X), y)}
    if test is not None:
        out["test_accuracy"] = _accuracy(_predict(predict, test[0]), test[1])
    return out


# ----------------------------------------------------------------------------- trainwell
def train_trainwell(spec: Spec, X, y, test=None, engine: str = "auto") -> dict[str, Any]:
    from trainwell.optim import Adam, GradientDescent
    from trainwell.training import fit

    net = trainwell_network(spec)
    opt = GradientDescent() if spec.optimizer == "gd" else Adam(*spec.betas, spec.epsilon)
    start = time.perf_counter()
    fit(net, X, y, optimizer=opt, learning_rate=spec.learning_rate, epochs=spec.epochs,
        batch_size=spec.batch_size, random_state=0, progress=False, engine=engine)  # fmt: skip
    seconds = time.perf_counter() - start
    steps = spec.epochs * spec.batches_per_epoch(X.shape[0])
    return {
        "seconds": seconds,
        "steps": steps,
        **_scores(net.predict, X, y, test),
        "_theta": net.theta.copy(),
        "_dtypes": sorted(
            {str(a.dtype) for a in (net.theta, net.grad)}
            | {str(lay.A.dtype) for lay in net.layers if getattr(lay, "A", None) is not None}
        ),
    }


# ----------------------------------------------------------------------------- the course
def train_course(spec: Spec, X, y, test=None) -> dict[str, Any]:
    """The course's ``model()``: dicts, caches, per-layer loops, X of shape (n_x, m)."""
    dt = np.dtype(spec.dtype)
    XT = np.ascontiguousarray(X.T, dtype=dt)
    if spec.output == "softmax":
        Y = np.eye(spec.dims[-1], dtype=dt)[y].T
    else:
        Y = y.reshape(1, -1).astype(dt)
    parameters = {}
    for l, (W, b) in enumerate(initial_weights(spec), start=1):
        parameters["W" + str(l)] = W.astype(dt)
        parameters["b" + str(l)] = b.reshape(-1, 1).astype(dt)
    v, s = initialize_adam(parameters)
    t, seed = 0, 10
    m = XT.shape[1]
    start = time.perf_counter()
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for _ in range(spec.epochs):
            if spec.batch_size is None:
                batches = [(XT, Y)]
            else:
                seed = seed + 1
                batches = random_mini_batches(XT, Y, spec.batch_size, seed)
            for minibatch_X, minibatch_Y in batches:
                AL, caches = L_model_forward(minibatch_X, parameters, spec.hidden, spec.output)
                compute_cost(AL, minibatch_Y, spec.output)
                grads = L_model_backward(AL, minibatch_Y, caches, spec.hidden, spec.output)
                if spec.optimizer == "gd":
                    parameters = update_parameters(parameters, grads, spec.learning_rate)
                else:
                    t = t + 1
                    parameters, v, s = update_parameters_with_adam(
                        parameters, grads, v, s, t, spec.learning_rate, *spec.betas, spec.epsilon
                    )
    seconds = time.perf_counter() - start
    steps = spec.epochs * spec.batches_per_epoch(m)

    def predict(Xp):
        return course_predict(np.asarray(Xp, dtype=dt), parameters, spec.hidden, spec.output)

    return {"seconds": seconds, "steps": steps, **_scores(predict, X, y, test)}


# ----------------------------------------------------------------------------- scikit-learn
def train_sklearn(spec: Spec, X, y, test=None) -> dict[str, Any]:
    """MLPClassifier as close as it allows: no L2 (alpha=0), no early stop, no momentum
    for "gd", the same batches per epoch and initial weights; it also computes the
    epoch's loss (part of its loop)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    dt = np.dtype(spec.dtype)
    Xd = np.ascontiguousarray(X, dtype=dt)
    clf = MLPClassifier(
        hidden_layer_sizes=tuple(spec.dims[1:-1]),
        activation=spec.hidden,
        solver="sgd" if spec.optimizer == "gd" else "adam",
        alpha=0.0,
        batch_size=X.shape[0] if spec.batch_size is None else spec.batch_size,
        learning_rate="constant",
        learning_rate_init=spec.learning_rate,
        max_iter=1,
        shuffle=spec.batch_size is not None,
        random_state=0,
        tol=0.0,
        n_iter_no_change=spec.epochs + 1,
        momentum=0.0,
        nesterovs_momentum=False,
        beta_1=spec.betas[0],
        beta_2=spec.betas[1],
        epsilon=spec.epsilon,
        warm_start=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(Xd, y)  # one warm-up epoch builds the model; then our initial weights
        for l, (W, b) in enumerate(initial_weights(spec)):
            clf.coefs_[l][...] = W.T
            clf.intercepts_[l][...] = b
        clf.max_iter = spec.epochs
        start = time.perf_counter()
        clf.fit(Xd, y)
        seconds = time.perf_counter() - start
    steps = spec.epochs * spec.batches_per_epoch(X.shape[0])

    def predict(Xp):
        return clf.predict(np.asarray(Xp, dtype=dt))

    return {"seconds": seconds, "steps": steps, **_scores(predict, X, y, test)}


# ----------------------------------------------------------------------------- PyTorch
def train_torch(spec: Spec, X, y, test=None, threads: int | None = None) -> dict[str, Any]:
    """PyTorch CPU eager: nn.Sequential, BCEWithLogits/CrossEntropy, SGD/Adam, randperm
    batches, at ``threads`` intra-op threads (NumPy's BLAS count by default)."""
    import torch

    if threads is not None:
        torch.set_num_threads(threads)
    tdt = torch.float64 if spec.dtype == "float64" else torch.float32
    layers: list[Any] = []
    weights = initial_weights(spec)
    for l, (W, b) in enumerate(weights):
        lin = torch.nn.Linear(W.shape[1], W.shape[0], dtype=tdt)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if l < len(weights) - 1:
            layers.append(torch.nn.ReLU() if spec.hidden == "relu" else torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=spec.dtype))
    if spec.output == "softmax":
        loss_fn: Any = torch.nn.CrossEntropyLoss()
        yt = torch.from_numpy(np.asarray(y, dtype=np.int64))
    else:
        loss_fn = torch.nn.BCEWithLogitsLoss()
        yt = torch.from_numpy(np.asarray(y, dtype=spec.dtype).reshape(-1, 1))
    if spec.optimizer == "gd":
        opt: Any = torch.optim.SGD(model.parameters(), lr=spec.learning_rate)
    else:
        opt = torch.optim.Adam(
            model.parameters(), lr=spec.learning_rate, betas=spec.betas, eps=spec.epsilon
        )
    gen = torch.Generator().manual_seed(0)
    m = X.shape[0]
    start = time.perf_counter()
    bs = m if spec.batch_size is None else spec.batch_size
    for _ in range(spec.epochs):
        perm = None if spec.batch_size is None else torch.randperm(m, generator=gen)
        for k in range(0, m, bs):
            if perm is None:
                xb, yb = Xt, yt
            else:
                idx = perm[k : k + bs]
                xb, yb = Xt[idx], yt[idx]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - start
    steps = spec.epochs * spec.batches_per_epoch(m)

    def predict(Xp):
        with torch.no_grad():
            out = model(torch.from_numpy(np.ascontiguousarray(Xp, dtype=spec.dtype)))
        out = out.numpy()
        return out.argmax(axis=1) if spec.output == "softmax" else (out[:, 0] > 0).astype(int)

    return {"seconds": seconds, "steps": steps, **_scores(predict, X, y, test)}
