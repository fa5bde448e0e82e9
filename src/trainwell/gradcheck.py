"""Gradient checking: two-sided differences against the analytic gradient.

.. math::
    d\\theta_{approx}[i] = \\frac{J(\\theta + \\varepsilon e_i) - J(\\theta - \\varepsilon e_i)}
                               {2 \\varepsilon}, \\qquad
    \\text{difference} = \\frac{\\lVert d\\theta - d\\theta_{approx} \\rVert_2}
                              {\\lVert d\\theta \\rVert_2 + \\lVert d\\theta_{approx} \\rVert_2}

Verdict bands (for epsilon = 1e-7 in float64): below 1e-7 "correct"; up to 1e-3
"suspicious" (look closer: a kink of ReLU crossed, or a small bug); above 1e-3 "wrong".
Checking is slow (two cost evaluations per parameter): use it to debug, never to train,
and turn dropout off (its random masks make J a different function at each call).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._validation import Interval, validate_params
from .exceptions import InvalidParameterError

__all__ = ["GradientCheckReport", "gradient_check", "gradient_check_1d", "verdict"]

CORRECT_BELOW = 1e-7
WRONG_ABOVE = 1e-3


def verdict(difference: float) -> str:
    """ "correct" below 1e-7, "suspicious" up to 1e-3, "wrong" above (and for NaN).

    Examples
    --------
    >>> verdict(2e-10), verdict(1e-5), verdict(0.2)
    ('correct', 'suspicious', 'wrong')
    """
    if not np.isfinite(difference) or difference > WRONG_ABOVE:
        return "wrong"
    return "correct" if difference < CORRECT_BELOW else "suspicious"


def _relative_difference(g: np.ndarray, g_approx: np.ndarray) -> float:
    num = np.linalg.norm(g - g_approx)
    den = np.linalg.norm(g) + np.linalg.norm(g_approx)
    if not (np.isfinite(num) and np.isfinite(den)):  # a NaN/inf gradient or cost
        return math.nan
    return float(num / den) if den > 0 else 0.0


def _rank(difference: float, g: np.ndarray, g_approx: np.ndarray) -> tuple[float, float]:
    """How bad a parameter's check is: NaN (a non-finite gradient) first, then the
    relative difference, ties broken by ``||g - g_approx||``."""
    gap = np.linalg.norm(g - g_approx)
    return (math.inf if math.isnan(difference) else difference, float(np.nan_to_num(gap)))


@dataclass
class GradientCheckReport:
    """Result of a gradient check.

    Attributes
    ----------
    difference : float
        Relative difference over all parameters together.
    verdict : str
        "correct", "suspicious" or "wrong" (see :func:`verdict`).
    per_parameter : dict of str to float
        Relative difference of each parameter tensor (W1, b1, ...).
    worst : str
        The parameter tensor with the largest relative difference.
    gradient, approximation : dict of str to ndarray
        The analytic and numerical gradients, by parameter name.
    notes : list of str
    """

    difference: float
    verdict: str
    per_parameter: dict[str, float]
    worst: str
    gradient: dict[str, np.ndarray] = field(repr=False)
    approximation: dict[str, np.ndarray] = field(repr=False)
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return (
            f"GradientCheckReport(difference={self.difference:.3e}, verdict={self.verdict!r}, "
            f"worst={self.worst!r})"
        )

    def _repr_html_(self) -> str:
        """A table for Jupyter: the verdict, then each parameter's relative difference."""
        from html import escape

        rows = "".join(
            f"<tr><td>{escape(name)}</td><td>{d:.3e}</td><td>{verdict(d)}</td></tr>"
            for name, d in self.per_parameter.items()
        )
        notes = "".join(f"<li>{escape(n)}</li>" for n in self.notes)
        return (
            f"<div><b>Gradient check: {self.difference:.3e} ({escape(self.verdict)}), "
            f"worst {escape(self.worst)}</b><table><tr><th>parameter</th><th>difference</th>"
            f"<th>verdict</th></tr>{rows}</table>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )

    def __str__(self) -> str:
        lines = [f"gradient check: difference = {self.difference:.3e} -> {self.verdict}"]
        for name, d in self.per_parameter.items():
            flag = "  <- worst" if name == self.worst else ""
            lines.append(f"  {name:>8}: {d:.3e} ({verdict(d)}){flag}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "difference": self.difference,
            "verdict": self.verdict,
            "worst": self.worst,
            "per_parameter": dict(self.per_parameter),
            "notes": list(self.notes),
        }


def _check_dict(
    cost_and_grads: Callable, parameters: Mapping[str, np.ndarray], epsilon: float, notes: list[str]
) -> GradientCheckReport:
    if not parameters:
        raise InvalidParameterError(
            "gradient_check needs at least one parameter to check: 'parameters' must be a "
            "non-empty dict of arrays such as {'W1': W1, 'b1': b1}; got an empty dict."
        )
    params = {}
    for k, v in parameters.items():
        try:
            params[k] = np.array(v, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(
                f"gradient_check's parameter {k!r} must be an array of numbers; got "
                f"{type(v).__name__} ({exc})."
            ) from None
    out = cost_and_grads(params)
    if not (isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], Mapping)):
        raise InvalidParameterError(
            "cost_and_grads(parameters) must return (cost, gradients) with gradients a dict "
            f"such as {{'dW1': ..., 'db1': ...}}; it returned {type(out).__name__} "
            f"{str(out)[:80]}."
        )
    grads = out[1]
    approx: dict[str, np.ndarray] = {}
    analytic: dict[str, np.ndarray] = {}
    for name, p in params.items():
        gname = "d" + name
        if gname not in grads:
            raise InvalidParameterError(
                f"cost_and_grads returned no gradient {gname!r} for parameter {name!r}; "
                f"it returned {sorted(grads)}."
            )
        grad = np.asarray(grads[gname], dtype=np.float64)
        if grad.shape != p.shape and grad.squeeze().shape != p.squeeze().shape:
            raise InvalidParameterError(
                f"cost_and_grads returned {gname!r} of shape {grad.shape} for parameter "
                f"{name!r} of shape {p.shape} (transposed?)."
            )
        analytic[name] = grad.reshape(p.shape)
        a = np.empty_like(p)
        flat, out = p.reshape(-1), a.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + epsilon
            j_plus = cost_and_grads(params)[0]
            flat[i] = old - epsilon
            j_minus = cost_and_grads(params)[0]
            flat[i] = old
            out[i] = (j_plus - j_minus) / (2 * epsilon)
        approx[name] = a
    g = np.concatenate([analytic[k].ravel() for k in params])
    ga = np.concatenate([approx[k].ravel() for k in params])
    diff = _relative_difference(g, ga)
    per = {k: _relative_difference(analytic[k], approx[k]) for k in params}
    worst = max(per, key=lambda k: _rank(per[k], analytic[k], approx[k]))
    return GradientCheckReport(diff, verdict(diff), per, worst, analytic, approx, notes)


def gradient_check(
    target: Any,
    X: Any = None,
    y: Any = None,
    *,
    epsilon: float = 1e-7,
    keep_dropout: bool = False,
    engine: str | None = None,
) -> GradientCheckReport:
    """Compare analytic gradients with two-sided differences.

    Two forms:

    * generic, as the course teaches it: ``gradient_check(cost_and_grads, parameters)``
      where ``parameters`` is a dict of arrays (``W1``, ``b1``, ...) and
      ``cost_and_grads(parameters) -> (cost, grads)`` returns the cost and a dict keyed
      ``dW1``, ``db1``, ...;
    * for a network: ``gradient_check(network, X, y)``, on the full cost (data loss plus
      L2/L1), in training mode (batch statistics for batch norm, running averages left
      untouched), in float64 on a copy. Dropout is turned off (and the report says so)
      unless ``keep_dropout=True``, which draws one mask per Dropout layer and reuses it
      for every evaluation.

    The network form checks the backward pass that trains the network: ``engine`` picks
    it, as ``fit``'s does.

    Parameters
    ----------
    target : callable or Network
    X, y : arrays, for the network form (the second positional argument is the
        parameters dict in the generic form)
    epsilon : float, default=1e-7
    keep_dropout : bool, default=False
    engine : {None, "numpy", "numba", "auto"}, default=None
        None: the network's own passes, on a float64 copy on its own backend (the NumPy
        layers, or the array-API passes of a CuPy, PyTorch or ``array_api_strict``
        network). "numba": the compiled kernel of ``fit(..., engine="numba")`` (NumPy
        networks it supports; else an error saying why). "auto": the compiled kernel when
        it supports the network and numba is installed, else the NumPy layers (the report's
        notes say which). "numpy": the NumPy layers, on a NumPy float64 copy of a network
        on another backend.

    Returns
    -------
    GradientCheckReport

    Examples
    --------
    >>> def J(p):
    ...     return float((p["W1"] ** 2).sum()), {"dW1": 2 * p["W1"]}
    >>> gradient_check(J, {"W1": np.array([1.0, -2.0])}).verdict
    'correct'
    """
    validate_params(
        {"epsilon": [Interval("real", 0, None, "neither")]}, {"epsilon": epsilon}, "gradient_check"
    )
    if isinstance(X, Mapping) and callable(target):
        return _check_dict(target, X, epsilon, [])
    from .nn import Network
    from .nn.layers import Dropout, Mode

    if not isinstance(target, Network):
        raise InvalidParameterError(
            "gradient_check takes (cost_and_grads, parameters_dict) or (network, X, y); got "
            f"{type(target).__name__} and {type(X).__name__}."
        )
    if engine not in (None, "numpy", "numba", "auto"):
        raise InvalidParameterError(
            "The 'engine' parameter of gradient_check must be None, 'numpy', 'numba' or "
            f"'auto'. Got {engine!r} instead."
        )
    if target.input_dim is None:
        target.check_input(X)
    notes: list[str] = []
    net = _float64_copy(target, engine, notes)
    engine = _pass_engine(net, engine, notes)
    bk = net.backend
    Xc = net.check_input(X)
    Y = net.encode_targets(y, Xc.shape[0])
    has_dropout = any(isinstance(layer, Dropout) and layer.keep_prob < 1 for layer in net.layers)
    if has_dropout and not keep_dropout:
        notes.append("dropout was turned off for the check (random masks change J each call)")
        mode = Mode(training=True, dropout=False, update_stats=False)
    else:
        if has_dropout:
            net.forward_pass(Xc, Mode(True, True, False))  # draw the masks once
            notes.append("dropout masks drawn once and kept fixed for every evaluation")
        mode = Mode(training=True, dropout=True, update_stats=False, freeze_masks=True)
    names = net.parameter_names()

    def cost_and_grads(params: dict[str, np.ndarray]):
        net.set_parameters(params)
        cost = net.loss_and_gradient(Xc, Y, mode, engine=engine)
        return cost, {k: bk.to_numpy(v) for k, v in net.gradients().items()}

    start = {k: bk.to_numpy(v) for k, v in net.parameters().items()}
    return _check_dict(cost_and_grads, {k: start[k] for k in names}, epsilon, notes)


def _float64_copy(target: Any, engine: str | None, notes: list[str]) -> Any:
    """A float64 copy of the network ``target`` with its parameters and running statistics,
    on its own backend (on NumPy for ``engine="numpy"``)."""
    from .nn import Network

    bk = target.backend
    if bk.is_numpy:
        # A float64 copy with the same layer classes, so custom layers are checked too.
        net = copy.deepcopy(target)
        if net.dtype != np.float64:
            net.dtype = np.dtype(np.float64)
            net.build(target.input_dim)
    else:
        on = "numpy" if engine == "numpy" else bk
        config = {**target.get_config(), "dtype": "float64"}
        # the target's generator (copied): dropout masks drawn as the target would draw them
        net = Network.from_config(config, random_state=copy.deepcopy(target.rng), engine=on)
        if engine == "numpy":
            notes.append(f"checked on a NumPy float64 copy of the {bk.name} network")
        else:
            notes.append(f"checked on the {bk.name} backend's passes, in float64")
    nbk = net.backend
    net.theta[...] = nbk.asarray(bk.to_numpy(target.theta), net.dtype)
    targets = target.buffers()
    for k, v in net.buffers().items():
        v[...] = nbk.asarray(bk.to_numpy(targets[k]), v.dtype)
    return net


def _pass_engine(net: Any, engine: str | None, notes: list[str]) -> str | None:
    """The ``engine`` for :meth:`Network.loss_and_gradient`: None or "numba"."""
    if engine in (None, "numpy"):
        return None
    if not net.backend.is_numpy:
        raise InvalidParameterError(
            f"gradient_check's engine={engine!r} compiles NumPy networks only; this one is on "
            f"the {net.backend.name!r} backend (engine=None checks its own passes)."
        )
    from .nn import compiled_path_unavailable

    reason = compiled_path_unavailable(net)
    if reason is None:
        notes.append("checked on the compiled (numba) kernel's passes")
        return "numba"
    if engine == "numba":
        raise InvalidParameterError(f"gradient_check's engine='numba' cannot compile {reason}.")
    notes.append(f"engine='auto' checked the NumPy layers: the compiled path cannot run {reason}")
    return None


def gradient_check_1d(
    x: float = 2.0,
    theta: float = 4.0,
    epsilon: float = 1e-7,
    derivative: Callable[[float, float], float] | None = None,
) -> GradientCheckReport:
    """The course's first exercise: J(theta) = theta * x, whose derivative is x.

    Parameters
    ----------
    x, theta : float
    epsilon : float, default=1e-7
    derivative : callable, optional
        ``derivative(x, theta)``; defaults to the correct ``x``. Pass a wrong one to see
        the check flag it.

    Examples
    --------
    >>> report = gradient_check_1d(x=2.0, theta=4.0)
    >>> report.verdict, report.worst
    ('correct', 'theta')
    """
    deriv = derivative or (lambda x_, t_: x_)

    def J(p):
        t = float(p["theta"][0])
        return t * x, {"dtheta": np.array([deriv(x, t)])}

    return _check_dict(J, {"theta": np.array([theta], dtype=np.float64)}, epsilon, [])
