"""A compiled path for Dense networks: one numba call runs a whole epoch.

For course-sized networks ([2, 20, 3, 1], [2, 5, 2, 1]) each NumPy call costs about as much
as the arithmetic it does, so the plain path spends its time dispatching some 60 array
operations per step. This module runs an epoch's mini-batches (forward, cost, backward,
regularization and the optimizer's update of the flat buffer) in one jitted function over
the network's own ``theta`` and ``grad``, the optimizer's own state arrays and the loop's
own (already shuffled) data, and returns the epoch's cost; the training loop stays in Python
and keeps its callbacks, validation, history, schedule and shuffling.

Results equal the NumPy path's to about 1e-12 (relative, float64): the same operations in
the same order, except the summation order inside matrix products and sums, and ulp-level
differences of libm's tanh/exp against NumPy's SIMD versions (tests/nn/test_fast.py; after
W1's 30,000 steps the parameters differ by about 1e-13). The optimizer update does exactly
the NumPy path's operations in its order, bit for bit; :func:`fused_update` offers it on
its own, for the wide networks that stay on the NumPy path (``engine="numba"``).

numba is imported, and the kernels (:mod:`trainwell.nn._fast_kernels`) compiled or loaded
from numba's on-disk cache, only when a fit first chooses this path: ``import trainwell``
never imports numba.

Supported: Dense layers (relu, leaky_relu, tanh, sigmoid, linear hidden activations; the
output activation fused with its loss: sigmoid with binary cross-entropy, softmax with
categorical cross-entropy, linear with mse), Dropout (one after any Dense layer or before
the first), L2 and L1, the four optimizers of :mod:`trainwell.optim` (exactly those
classes), float64. Anything else (BatchNorm, custom layers, losses or optimizers, float32)
trains on the NumPy path.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from .._random import rand
from ..exceptions import InvalidParameterError
from ._fast_codes import _f64, _kernels, act_codes, constants, loss_codes, opt_codes
from ._fast_cost import network_layers, predicted
from ._fast_update import fused_update, update_function

__all__ = [
    "ENGINES",
    "EpochRunner",
    "fused_update",
    "plan",
    "resolve_engine",
    "unsupported_reason",
    "update_function",
]

ENGINES = ("auto", "numpy", "numba")


def resolve_engine(engine: str) -> str:
    """Check fit's ``engine``; ``"auto"`` defers to the ``TRAINWELL_ENGINE`` variable.

    Parameters
    ----------
    engine : {"auto", "numpy", "numba"}

    Returns
    -------
    str
        ``engine``, or for ``"auto"`` the environment's choice when it names an engine.
    """
    if engine not in ENGINES:
        raise InvalidParameterError(
            f"The 'engine' parameter of fit must be one of {', '.join(map(repr, ENGINES))}. "
            f"Got {engine!r} instead."
        )
    if engine == "auto":
        env = os.environ.get("TRAINWELL_ENGINE", "auto").strip().lower() or "auto"
        engine = env if env in ENGINES else "auto"
    return engine


def unsupported_reason(network: Any, optimizer: Any, copies: bool = False) -> str | None:
    """Why the compiled path cannot train this network with this optimizer.

    Parameters
    ----------
    network : Network
        Built.
    optimizer : Optimizer or None
        None asks about the passes alone (forward, cost, backward), as
        :meth:`Network.loss_and_gradient` with ``engine="numba"`` runs them.
    copies : bool, default=False
        Take an equal copy of a registered activation (a deep-copied network's) for the
        registered one; fit's choice of path keeps asking for the registered object itself.

    Returns
    -------
    str or None
        A short reason ("layer BatchNorm", "dtype float32 ..."), or None when supported.
    """
    from ..optim.optimizers import OPTIMIZERS
    from .activations import ACTIVATIONS
    from .layers import Dense, Dropout
    from .losses import LOSSES

    if type(network.theta) is not np.ndarray:
        return f"{type(network.theta).__name__} parameters (the compiled path is NumPy only)"
    if network.dtype != np.float64:
        return f"dtype {network.dtype} (the compiled path is float64 only)"
    if type(network.loss) is not LOSSES.get(network.loss.name):
        return f"custom loss {type(network.loss).__name__}"
    if network.loss.name not in loss_codes():
        return f"loss {network.loss.name!r} (it declares no kernel_code)"
    if optimizer is not None and type(optimizer) is not OPTIMIZERS.get(optimizer.name):
        return f"custom optimizer {type(optimizer).__name__}"
    if optimizer is not None and optimizer.name not in opt_codes():
        return f"optimizer {optimizer.name!r} (it declares no kernel_code)"
    previous = None
    for layer in network.layers:
        if type(layer) not in (Dense, Dropout):
            return f"layer {type(layer).__name__}"
        if type(layer) is Dropout and type(previous) is Dropout:
            return "two consecutive Dropout layers"
        if type(layer) is Dropout and layer.mask_layout != "examples":
            return "Dropout(mask_layout='course') (the compiled engine draws (examples, units))"
        if type(layer) is Dense:
            act = layer.activation
            registered = ACTIVATIONS.get(act.name)
            if registered is not act and not (copies and registered == act):
                return f"custom activation {act.name!r}"
            if act.name not in act_codes():
                return f"activation {act.name!r} (its registry entry declares no kernel_code)"
            if act.name == "softmax" and layer is not network.layers[-1]:
                return "softmax in a hidden layer"
        previous = layer
    if network.layers[-1].activation.name != network.loss.natural_activation:
        return (
            f"{network.layers[-1].activation.name} output with {network.loss.name} "
            "(only the fused pairs are compiled)"
        )
    return None


def plan(
    network: Any,
    optimizer: Any,
    batch_size: int,
    engine: str,
    notes: list[str] | None = None,
) -> EpochRunner | None:
    """The compiled epoch runner for this fit, or None to train on the NumPy path.

    Parameters
    ----------
    network : Network
        Built.
    optimizer : Optimizer
    batch_size : int
        The resolved mini-batch size.
    engine : {"auto", "numpy", "numba"}
        Already resolved by :func:`resolve_engine`. ``"numba"`` compiles whenever the
        configuration is supported; ``"auto"`` also requires the compiled step to be
        the faster one by the measured cost model (:func:`auto_compiles`). The first use
        in a process imports numba and loads the compiled kernels from numba's cache
        (about 0.4 s; the very first compilation, cached on disk, about 10 s).
    notes : list of str, optional
        Where to say why an explicit ``engine="numba"`` fell back to NumPy.

    Returns
    -------
    EpochRunner or None
    """
    if engine == "numpy":
        return None
    reason = unsupported_reason(network, optimizer)
    if reason is not None:
        if engine == "numba" and notes is not None:
            notes.append(f"engine='numba' cannot compile {reason}: trained with NumPy.")
        return None
    if engine == "auto" and not auto_compiles(network, batch_size):
        return None
    try:
        _kernels()
    except ImportError as exc:
        if engine == "numba" and notes is not None:
            notes.append(f"engine='numba' needs numba ({exc}): trained with NumPy.")
        return None
    return EpochRunner(network, optimizer)


def predicted_step_seconds(network: Any, batch_size: int) -> dict[str, float]:
    """Each engine's predicted seconds per step (:mod:`trainwell.nn._fast_cost`)."""
    return predicted(network_layers(network), batch_size)


def auto_compiles(network: Any, batch_size: int) -> bool:
    """Whether ``engine="auto"`` compiles this (supported) network at this batch size: when
    :mod:`trainwell.nn._fast_cost` predicts the compiled step to be the faster one."""
    seconds = predicted_step_seconds(network, batch_size)
    return seconds["numba"] < seconds["numpy"]


def layout(network: Any, optimizer_code: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's description of a supported network: ``(ints, keep)``.

    ``ints`` = [L, loss, optimizer, n_weights, sizes (L+1), W offsets (L), b offsets (L,
    -1: none), activations (L)]; ``keep[q]`` the keep probability of the dropout on A[q],
    the input of Dense layer q + 1.
    """
    from .layers import Dense

    dense = [layer for layer in network.layers if type(layer) is Dense]
    L = len(dense)
    keep = np.ones(L)
    l = 0
    for layer in network.layers:
        if type(layer) is Dense:
            l += 1
        elif l < L:
            keep[l] = layer.keep_prob
    sizes = [dense[0].n_in] + [layer.n_out for layer in dense]
    sl = network._slices
    woff = [sl[f"W{layer.index}"].start for layer in dense]
    boff = [sl[f"b{layer.index}"].start if layer.b is not None else -1 for layer in dense]
    codes = act_codes()
    acts = [codes[layer.activation.name] for layer in dense]
    head = [L, loss_codes()[network.loss.name], optimizer_code, network.n_weights]
    return np.array([*head, *sizes, *woff, *boff, *acts], dtype=np.int64), keep


class EpochRunner:
    """Runs fit's epochs through the compiled kernel (see :func:`plan`).

    Parameters
    ----------
    network : Network
        Built, and supported (:func:`unsupported_reason` is None).
    optimizer : Optimizer
        One of the four classes of :mod:`trainwell.optim`.

    Attributes
    ----------
    previous : ndarray
        The parameters before the last update, for the loop's divergence handling.
    """

    def __init__(self, network: Any, optimizer: Any) -> None:
        self.network, self.optimizer = network, optimizer
        self.ints, self.keep = layout(network, opt_codes()[optimizer.name])
        sizes = self.ints[4 : 5 + int(self.ints[0])]
        keep = self.keep
        self.drop_units = int(sum(n for n, k in zip(sizes, keep) if k < 1.0))
        self.previous = np.empty_like(network.theta)
        self._bounds_key: Any = None
        self._bounds = np.zeros(2, dtype=np.int64)
        self._costs = np.empty(0)
        self._work = work_buffers(self.ints, np.array([0, 8]))  # grown to the widest batch
        self._kernel = _kernels()[0]
        hyper = ("beta2", "epsilon", "bias_correction")
        beta1 = getattr(optimizer, "beta1", getattr(optimizer, "beta", 0.0))
        self._hyp = np.array(
            [0.0, 0.0, 0.0, beta1, *(getattr(optimizer, h, 0) for h in hyper), *constants()]
        )

    def _hyper(self, lr: float) -> np.ndarray:
        """[lr, l2, l1, beta1, beta2, epsilon, bias_correction, leaky slope] for this
        epoch."""
        hyp, net = self._hyp, self.network
        hyp[0], hyp[1], hyp[2] = lr, net.l2, net.l1  # l2/l1 read each epoch, as NumPy does
        return hyp

    def run_epoch(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        order: Any,
        slices: list[slice],
        state: dict[str, Any],
        lr: float,
        iteration_cost: list[float] | None = None,
        total: float = 0.0,
    ) -> tuple[float, float | None]:
        """Train one epoch over the batches ``X[order[sl]], Y[order[sl]]``, ``sl in slices``.

        Parameters
        ----------
        X : ndarray of shape (m, n[0])
        Y : ndarray of shape (m, n[L])
            Encoded targets.
        order : ndarray of int or None
            None (the batches are ``X[sl], Y[sl]``) or a permutation of ``range(m)`` as
            ``rng.permutation`` draws it (the kernel trusts its indices).
        slices : list of slice
            The epoch's batches, as the loop made them, or a run of consecutive ones (a
            Trainer's steps): the dropout draws are those of the run's rows only.
        state : dict
            The optimizer state (updated in place, ``"t"`` included).
        lr : float
            The epoch's learning rate.
        iteration_cost : list of float, optional
            Receives each step's cost.
        total : float, default=0.0
            The sum to continue (a run of an epoch's steps after others).

        Returns
        -------
        total : float
            ``total`` plus the sum over the completed steps of the batch cost times the
            batch size (accumulated in the kernel, in its order).
        bad : float or None
            None, or the first non-finite cost: training stopped before that step's
            update, with the parameters the NumPy path would hold and :attr:`previous`
            the ones before the last update (for the loop's divergence handling).
        """
        net = self.network
        X, Y = _f64(X), _f64(Y)
        order = _EMPTY_INT if order is None else np.asarray(order, dtype=np.int64)
        if slices is not self._bounds_key:
            self._bounds = np.array([s.start for s in slices] + [slices[-1].stop], np.int64)
            self._bounds_key = slices
            self._costs = np.empty(len(slices))
            width = (max(8, int(np.diff(self._bounds).max())) + 7) // 8 * 8
            if self._work[0].shape[2] < width:
                self._work = work_buffers(self.ints, self._bounds)
        U, rng_state = _EMPTY, None
        if self.drop_units:
            rng_state = _get_rng_state(net.rng)
            rows = int(self._bounds[-1] - self._bounds[0])  # X.shape[0] for a whole epoch
            U = rand(net.rng, (rows * self.drop_units,), np.float64)
        empty = _EMPTY
        total, n_done, t = self._kernel(
            net.theta,
            net.grad,
            self.previous,
            state.get("v", empty),
            state.get("s", empty),
            X,
            Y,
            order,
            U,
            self._bounds,
            self.ints,
            self.keep,
            self._hyper(lr),
            int(state["t"]),
            self._costs,
            float(total),
            *self._work,
        )
        state["t"] = t
        self.n_done = int(n_done)
        if iteration_cost is not None:
            iteration_cost.extend(self._costs[:n_done].tolist())
        if n_done == len(slices):
            return total, None
        if rng_state is not None:  # draw only the masks the NumPy path would have drawn
            _set_rng_state(net.rng, rng_state)
            rows = int(self._bounds[n_done + 1] - self._bounds[0])
            rand(net.rng, (rows * self.drop_units,), np.float64)
        return total, float(self._costs[n_done])


def work_buffers(ints: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, ...]:
    """The epoch kernel's activation buffers for these batch ``bounds``: ``acts`` (4, units,
    batch), ``grads`` (2, widest layer, batch), ``yt`` (output units, batch), with the
    largest batch rounded up to a multiple of 8."""
    sizes = ints[4 : 5 + int(ints[0])]
    width = (max(8, int(np.diff(bounds).max())) + 7) // 8 * 8
    return (
        np.empty((4, int(sizes.sum()), width)),
        np.empty((2, int(sizes.max()), width)),
        np.empty((int(sizes[-1]), width)),
    )


_EMPTY = np.empty(0)
_EMPTY_INT = np.empty(0, dtype=np.int64)


def _get_rng_state(rng: Any) -> Any:
    return rng.get_state() if isinstance(rng, np.random.RandomState) else rng.bit_generator.state


def _set_rng_state(rng: Any, state: Any) -> None:
    if isinstance(rng, np.random.RandomState):
        rng.set_state(state)
    else:
        rng.bit_generator.state = state
