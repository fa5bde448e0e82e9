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


def _predict(predict: Any, X: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Predictions in chunks, so evaluating does not raise the peak memory above training's."""
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
def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z)), Z


def _relu(Z):
    return np.maximum(0, Z), Z


def _softmax(Z):
    e = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True), Z


_FORWARD = {"sigmoid": _sigmoid, "relu": _relu, "softmax": _softmax}


def linear_activation_forward(A_prev, W, b, activation):
    Z = np.dot(W, A_prev) + b
    linear_cache = (A_prev, W, b)
    A, activation_cache = _FORWARD[activation](Z)
    return A, (linear_cache, activation_cache)


def L_model_forward(X, parameters, hidden, output):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(
            A, parameters["W" + str(l)], parameters["b" + str(l)], hidden
        )
        caches.append(cache)
    AL, cache = linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], output
    )
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y, output):
    m = Y.shape[1]
    if output == "softmax":
        return -np.sum(Y * np.log(AL)) / m
    cost = (-1.0 / m) * np.sum(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL)))
    return np.squeeze(cost)


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1.0 / m * np.dot(dZ, A_prev.T)
    db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def relu_backward(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def L_model_backward(AL, Y, caches, hidden, output):
    grads = {}
    L = len(caches)
    linear_cache, activation_cache = caches[L - 1]
    if output == "softmax":
        dZ = AL - Y
    else:
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
        dZ = sigmoid_backward(dAL, activation_cache)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(
        dZ, linear_cache
    )
    for l in reversed(range(L - 1)):
        linear_cache, activation_cache = caches[l]
        dZ = relu_backward(grads["dA" + str(l + 1)], activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads


def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = (
            parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        )
        parameters["b" + str(l + 1)] = (
            parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
        )
    return parameters


def initialize_adam(parameters):
    L = len(parameters) // 2
    v, s = {}, {}
    for l in range(L):
        for p in ("W", "b"):
            v["d" + p + str(l + 1)] = np.zeros_like(parameters[p + str(l + 1)])
            s["d" + p + str(l + 1)] = np.zeros_like(parameters[p + str(l + 1)])
    return v, s


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, eps):
    L = len(parameters) // 2
    v_corrected, s_corrected = {}, {}
    for l in range(L):
        for p in ("W", "b"):
            key = "d" + p + str(l + 1)
            v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
            v_corrected[key] = v[key] / (1 - beta1**t)
            s[key] = beta2 * s[key] + (1 - beta2) * np.power(grads[key], 2)
            s_corrected[key] = s[key] / (1 - beta2**t)
            parameters[p + str(l + 1)] = parameters[p + str(l + 1)] - learning_rate * v_corrected[
                key
            ] / (np.sqrt(s_corrected[key]) + eps)
    return parameters, v, s


def random_mini_batches(X, Y, mini_batch_size, seed):
    m = X.shape[1]
    rng = np.random.RandomState(seed)
    permutation = list(rng.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation]
    mini_batches = []
    num_complete = math.floor(m / mini_batch_size)
    for k in range(num_complete):
        mini_batches.append(
            (
                shuffled_X[:, k * mini_batch_size : (k + 1) * mini_batch_size],
                shuffled_Y[:, k * mini_batch_size : (k + 1) * mini_batch_size],
            )
        )
    if m % mini_batch_size != 0:
        mini_batches.append(
            (
                shuffled_X[:, num_complete * mini_batch_size :],
                shuffled_Y[:, num_complete * mini_batch_size :],
            )
        )
    return mini_batches


def course_predict(X, parameters, hidden, output):
    AL, _ = L_model_forward(X.T, parameters, hidden, output)
    return AL.argmax(axis=0) if output == "softmax" else (AL[0] > 0.5).astype(int)


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
