"""Network: an ordered stack of layers with a loss, over one flat parameter buffer.

All parameters live in ONE contiguous array ``theta`` and all gradients in a second,
``grad``; each layer's W, b, gamma, beta are views into them. The weights come first
(W1, W2, ..., WL), then biases and batch-norm parameters, so L2/L1 regularization is a
single whole-array operation on ``theta[:n_weights]`` whatever the depth, and an optimizer
updates everything with a few in-place ufunc calls.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._random import RandomLike, check_random_state
from .._validation import Interval, validate_params
from ..engine_choice import config_engine, deprecated_backend, network_engine
from ..exceptions import DataError, InvalidParameterError, NotFittedError
from ._display import network_html
from .activations import get_activation
from .engines import make_engine
from .inputs import InputTransform
from .io import load_network, register_network_class, save_network
from .layers import BatchNorm, Dense, Dropout, Layer
from .losses import Loss, get_loss, loss_fix, natural_loss
from .memory import allocate_flat
from .passes import NetworkPasses
from .predictions import NetworkPredictions

__all__ = ["Network"]


class Network(NetworkPasses, NetworkPredictions):
    """An ordered stack of layers with a loss, trained through flat buffers.

    Parameters
    ----------
    layers : sequence of Layer
        E.g. ``[Dense(20, "relu"), Dropout(0.86), Dense(3, "relu"), Dense(1, "sigmoid")]``.
        A :class:`BatchNorm` written after a Dense layer normalizes that layer's Z before
        its activation.
    loss : {"binary_crossentropy", "categorical_crossentropy", "mse"}, Loss or None, \
default=None
        None infers it from the output activation g[L]: sigmoid -> binary cross-entropy,
        softmax -> categorical cross-entropy, linear -> mse. Another g[L] (relu, tanh, ...)
        needs it spelled out, and the error says how.
    l2 : float, default=0.0
        lambda of L2 (Frobenius) regularization: adds ``lambda/(2m) sum ||W[l]||_F^2`` to the
        cost and ``lambda/m W[l]`` to each dW[l]; biases and batch-norm parameters exempt.
    l1 : float, default=0.0
        lambda of L1 regularization: adds ``lambda/m sum |W[l]|`` (subgradient sign(W)).
    random_state : None, int, RandomState or Generator
        Draws the initial weights (layer after layer, as the course does) and then the
        dropout masks. ``random_state=3`` gives the course's ``np.random.seed(3)`` weights.
    dtype : {"float64", "float32"}, default="float64"
    input_dim : int, optional
        n[0]; when omitted the network is built at its first use.
    engine : {"auto", "numpy", "numba", "cupy", "torch", "torch:cuda", "torch:cpu", \
"array_api_strict"} or module, default="auto"
        Where and how it trains (:mod:`trainwell.engine_choice`; kept as ``engine`` and in the
        model file): "auto", "numpy", "numba" on NumPy arrays (fit compiles where it predicts
        that faster, never, or wherever it can); "cupy" on an NVIDIA GPU, "torch" on
        PyTorch. Initial weights are drawn on the host as for NumPy; ``backend``: deprecated
        spelling.

    Attributes
    ----------
    theta, grad : ndarray
        The flat parameter and gradient buffers.
    n_weights : int
        Length of the weight block ``theta[:n_weights]``.

    Examples
    --------
    >>> from trainwell.nn import Network, Dense
    >>> net = Network([Dense(3, "relu"), Dense(1, "sigmoid")], random_state=3, input_dim=2)
    >>> net.parameters()["W1"].shape, net.theta.shape
    ((3, 2), (13,))
    """

    def __init__(
        self,
        layers: Sequence[Layer],
        *,
        loss: str | Loss | None = None,
        l2: float = 0.0,
        l1: float = 0.0,
        random_state: RandomLike = None,
        dtype: Any = "float64",
        input_dim: int | None = None,
        engine: Any = "auto",
        backend: Any = None,
    ) -> None:
        engine = deprecated_backend("Network", backend, engine)
        validate_params(
            {"l2": [Interval("real", 0, None)], "l1": [Interval("real", 0, None)]},
            {"l2": l2, "l1": l1},
            "Network",
        )
        if isinstance(layers, Layer):
            raise InvalidParameterError(
                "The 'layers' parameter of Network must be a list of layers; got the single "
                f"layer {layers!r}. Write Network([{layers!r}])."
            )
        given = layers
        try:
            layers = list(layers) if not isinstance(layers, (str, bytes, dict)) else []
        except TypeError:
            layers = []
        if not layers or not all(isinstance(layer, Layer) for layer in layers):
            raise InvalidParameterError(
                "The 'layers' parameter of Network must be a non-empty sequence of Layer "
                f"objects (Dense, Dropout, BatchNorm). Got {given!r:.200} instead."
            )
        if len({id(layer) for layer in layers}) != len(layers):
            raise InvalidParameterError(
                "The same layer object appears twice in 'layers'; each position needs its "
                "own layer (e.g. Dropout(0.8) written twice, not one instance reused)."
            )
        for i, layer in enumerate(layers):
            owner = getattr(layer, "_network", None)
            if owner is not None and owner() is not None:
                raise InvalidParameterError(
                    f"The layer at position {i} ({layer!r}) already belongs to another "
                    "Network: a layer holds views of its network's parameters, so two "
                    "networks sharing it would overwrite each other. Give each network its "
                    "own layers (build the list again, or copy.deepcopy it)."
                )
        self.layers = list(layers)
        self.loss = get_loss(_infer_loss(self.layers) if loss is None else loss)
        self.l2, self.l1 = float(l2), float(l1)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float64, np.float32):
            raise InvalidParameterError(
                f"The 'dtype' parameter of Network must be 'float64' or 'float32'. Got {dtype!r}."
            )
        self.random_state = random_state
        self.rng = check_random_state(random_state)
        self.engine, self.backend = network_engine(engine)
        self.passes: Any = None  # the engine object (nn.engines), made by build
        self.input_dim: int | None = None
        self.preprocessing: InputTransform | None = None  # set by load (see nn.inputs)
        self._out_grad: np.ndarray | None = None
        self._wire()
        if input_dim is not None:
            self.build(input_dim)

    # ------------------------------------------------------------------ building
    def _wire(self) -> None:
        """Number the Dense layers and move activations behind batch norm."""
        if isinstance(self.layers[-1], Dropout):
            raise InvalidParameterError("The last layer must be Dense or BatchNorm, not Dropout.")
        l = 0
        for i, layer in enumerate(self.layers):
            if isinstance(layer, Dense):
                l += 1
                layer.index = l
            elif isinstance(layer, BatchNorm):
                prev = self.layers[i - 1] if i > 0 else None
                if not isinstance(prev, Dense):
                    raise InvalidParameterError(
                        f"BatchNorm at position {i} must directly follow a Dense layer."
                    )
                layer.index = l
                if prev.activation.name != "linear":
                    layer.activation, prev.activation = prev.activation, get_activation("linear")
                prev.use_bias = False
        if l == 0:
            raise InvalidParameterError("A Network needs at least one Dense layer.")
        self.n_layers = l
        out_act = self.layers[-1].activation.name
        if out_act not in self.loss.allowed_activations:
            raise InvalidParameterError(
                f"The {self.loss.name!r} loss needs a {' or '.join(self.loss.allowed_activations)}"
                f" output layer; the last layer's activation is {out_act!r}. Fix: "
                + loss_fix(out_act)
            )
        self._fused = out_act == self.loss.natural_activation

    def build(self, input_dim: int) -> Network:
        """Allocate the flat buffers for ``input_dim`` input features and draw weights."""
        validate_params(
            {"input_dim": [Interval("int", 1, None)]}, {"input_dim": input_dim}, "Network.build"
        )
        specs = []  # (layer, kind, shape)
        n = int(input_dim)
        for layer in self.layers:
            n = layer.build(n)
            specs += [(layer, kind, shape) for kind, shape in layer.param_shapes()]
        self.n_outputs = n
        if isinstance(self.loss, get_loss("categorical_crossentropy").__class__) and n < 2:
            raise InvalidParameterError("categorical_crossentropy needs at least 2 output units.")
        ordered = [s for s in specs if s[1] == "W"] + [s for s in specs if s[1] != "W"]
        sizes = [int(np.prod(shape, dtype=object)) for _, _, shape in ordered]
        self.theta, self.grad = allocate_flat(self.backend, sum(sizes), self.dtype, specs)
        self.n_weights = sum(sz for (_, k, _), sz in zip(ordered, sizes) if k == "W")
        self._slices: dict[str, slice] = {}
        self._shapes = {f"{kind}{layer.index}": shape for layer, kind, shape in specs}
        offset = 0
        for (layer, kind, shape), size in zip(ordered, sizes):
            self._slices[f"{kind}{layer.index}"] = slice(offset, offset + size)
            offset += size
        self._bind_views()
        self._need_input_grad = []
        seen_params = False
        for layer in self.layers:
            self._need_input_grad.append(seen_params)
            seen_params = seen_params or bool(layer.param_shapes())
        # Backward stops at the first layer with parameters: below it (an input dropout,
        # say) nothing is learned and no gradient is needed.
        self._backward_stop = next(i for i, layer in enumerate(self.layers) if layer.param_shapes())
        if self.backend.is_numpy:
            self._reg_scratch = np.empty(self.n_weights, dtype=self.dtype)
        self.passes = make_engine(self)
        self.input_dim = int(input_dim)
        for layer in self.layers:
            layer.initialize(self.rng)
        return self

    def _bind_views(self) -> None:
        """Give each layer its views into ``theta`` and ``grad`` (and claim it: see
        ``__init__``)."""
        for layer in self.layers:
            layer._network = weakref.ref(self)
            params, grads = {}, {}
            for kind, shape in layer.param_shapes():
                sl = self._slices[f"{kind}{layer.index}"]
                params[kind] = self.backend.reshape(self.theta[sl], shape)
                grads[kind] = self.backend.reshape(self.grad[sl], shape)
            layer.bind(params, grads)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_out_grad"] = None
        state.pop("_reg_scratch", None)
        state.pop("passes", None)  # made again from the backend (device modules do not copy)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Pickle and deepcopy copy each view as a separate array: re-point the layers at the
        # (restored) flat buffers so the network trains through one buffer again. Buffers
        # loaded read-only (joblib's mmap_mode="r") are copied so training can go on.
        self.__dict__.pop("_engine", None)  # a pickle from before the engine protocol
        self.__dict__.update(state)
        self.__dict__.setdefault("engine", "auto" if self.backend.is_numpy else self.backend.name)
        self.__dict__.pop("_engine", None)
        self.passes = None
        if self.input_dim is not None:
            for name in ("theta", "grad"):
                arr = getattr(self, name)
                if isinstance(arr, np.ndarray) and not arr.flags.writeable:
                    setattr(self, name, arr.copy())
            for layer in self.layers:
                for key, buf in layer.buffers().items():
                    if isinstance(buf, np.ndarray) and not buf.flags.writeable:
                        setattr(layer, key, buf.copy())
            if self.backend.is_numpy:
                self._reg_scratch = np.empty(self.n_weights, dtype=self.dtype)
            self._bind_views()
            self.passes = make_engine(self)

    def _check_built(self) -> None:
        if self.input_dim is None:
            raise NotFittedError("This Network is not built yet: call build(n_features) or fit.")

    # ------------------------------------------------------------------ named access
    def parameter_names(self) -> list[str]:
        """Course-style names in layer order: W1, b1, [gamma1, beta1,] W2, ..."""
        self._check_built()
        return list(self._shapes)

    def parameters(self) -> dict[str, np.ndarray]:
        """Named views into ``theta`` (W1 of shape (n[1], n[0]), b1 of shape (n[1],), ...).

        Writing into a view writes into the network."""
        return {k: self._view(self.theta, k) for k in self.parameter_names()}

    def gradients(self) -> dict[str, np.ndarray]:
        """Named views into ``grad``, keyed with the course's ``d`` prefix (dW1, db1, ...)."""
        return {"d" + k: self._view(self.grad, k) for k in self.parameter_names()}

    def _view(self, flat: np.ndarray, name: str) -> np.ndarray:
        return self.backend.reshape(flat[self._slices[name]], self._shapes[name])

    def set_parameters(self, values: dict[str, Any]) -> None:
        """Copy named arrays (``{"W1": ..., "b1": ...}``) into the buffer, checking shapes."""
        params = self.parameters()
        for name, value in values.items():
            if name not in params:
                raise InvalidParameterError(
                    f"Unknown parameter {name!r}; this network has {', '.join(params)}."
                )
            value = np.asarray(value, dtype=self.dtype)
            shape = tuple(params[name].shape)
            if value.shape != shape and _squeezed(value.shape) == _squeezed(shape):
                value = value.reshape(shape)  # a course-style b of shape (n, 1): same order
            if value.shape != shape:
                raise DataError(f"{name} must have shape {params[name].shape}; got {value.shape}.")
            params[name][...] = value if self.backend.is_numpy else self.backend.asarray(value)

    def buffers(self) -> dict[str, np.ndarray]:
        """Non-learned state (batch norm's running averages), keyed like running_mean1."""
        return {f"{k}{layer.index}": v for layer in self.layers for k, v in layer.buffers().items()}

    # ------------------------------------------------------------------ config and files
    def get_config(self) -> dict[str, Any]:
        """Architecture and hyperparameters as plain JSON-able data."""
        return {
            "layers": [layer.get_config() for layer in self.layers],
            "loss": self.loss.name,
            "l2": self.l2,
            "l1": self.l1,
            "dtype": self.dtype.name,
            "input_dim": self.input_dim,
            "engine": self.engine,
            "backend": self.backend.name,  # for the readers of files before engine=
        }

    @classmethod
    def from_config(
        cls, config: dict, random_state: RandomLike = None, backend: Any = None, *, engine=None
    ) -> Network:
        """Rebuild from :meth:`get_config`; ``engine=`` (``backend``: deprecated) overrides
        the config's, e.g. "auto" to run a GPU-trained network on a machine without one."""
        from .layers import layer_from_config

        engine = config_engine(config, engine, backend)

        return cls(
            [layer_from_config(c) for c in config["layers"]],
            loss=config["loss"],
            l2=config["l2"],
            l1=config["l1"],
            dtype=config["dtype"],
            input_dim=config.get("input_dim"),
            random_state=random_state,
            engine=engine,
        )

    def save(self, path: Any, standardizer: Any = None) -> None:
        """Write architecture, parameters, running statistics and dtype to one .npz file
        (atomically; readable with ``numpy.load(allow_pickle=False)``).

        ``standardizer`` (a fitted :class:`trainwell.data.Standardizer`, or anything with
        ``mean_`` and ``scale_``) is stored in the file as plain arrays, and the network
        :meth:`load` returns applies it to every X it is given: it takes raw inputs, and
        ``loaded.predict(X)`` equals ``net.predict(standardizer.transform(X))``. This
        network itself is not changed. A network that already carries preprocessing (it
        was loaded so) saves it again and refuses a second one."""
        pre = getattr(self, "preprocessing", None)
        if standardizer is not None:
            if pre is not None:
                raise InvalidParameterError(
                    "This network already standardizes its inputs (it was loaded with a "
                    "stored standardizer); saving another would standardize twice. Call "
                    "save(path) without 'standardizer'."
                )
            pre = InputTransform.from_scaler(standardizer)
            if self.input_dim is not None and pre.n_features != self.input_dim:
                raise DataError(
                    f"The standardizer was fitted on {pre.n_features} features but the "
                    f"network takes {self.input_dim}; save it with the network it prepares "
                    "inputs for."
                )
        save_network(self, path, extra={} if pre is None else pre.to_arrays())

    @classmethod
    def load(cls, path: Any, backend: Any = None, *, engine: Any = None) -> Network:
        """Read a network written by :meth:`save`; clear errors for bad files. It comes
        back on its saved engine unless ``engine`` (``backend``: deprecated) names another."""
        engine = deprecated_backend("Network.load", backend, engine, None)
        return load_network(path, engine=engine)

    _repr_html_ = network_html  # Jupyter's table of the layers

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Network([{inner}], loss={self.loss.name!r}, l2={self.l2}, l1={self.l1})"


def _infer_loss(layers: Sequence[Layer]) -> str:
    """The loss that goes with the output activation g[L] (see ``losses.natural_loss``)."""
    act = None
    for layer in layers:  # the last Dense's activation, or the BatchNorm's that took it
        if isinstance(layer, Dense):
            act = layer.activation.name
        elif isinstance(layer, BatchNorm) and getattr(layer, "activation", None) is not None:
            act = act if layer.activation.name == "linear" else layer.activation.name
    return natural_loss(act)


def _squeezed(shape: tuple[int, ...]) -> tuple[int, ...]:
    """``shape`` without its 1s: (n, 1), (1, n) and (n,) hold the same values in order."""
    return tuple(d for d in shape if d != 1)


register_network_class(Network)
