"""The device backends of :mod:`trainwell.backend`: CuPy (NVIDIA GPUs) and PyTorch.

Imported only when one of them is asked for, so ``import trainwell`` never imports CuPy,
PyTorch or array-api-compat. Each overrides what its library does better than the
standard: ``out=`` writes into the flat buffers, device generators for dropout masks and,
for CuPy, compiled elementwise kernels (one per optimizer step).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._backend_base import Backend
from .exceptions import BackendUnavailableError, InvalidParameterError

_GPU_HINT = (
    "Install CuPy with `pip install 'trainwell[gpu]'` (CuPy for CUDA 12; for another CUDA "
    "version install the matching cupy-cudaXXx wheel) on a machine with an NVIDIA GPU, or "
    "use engine='numpy'."
)


def _seed_from(host_rng: Any) -> int:
    """One draw from the network's NumPy generator that seeds a device generator."""
    if isinstance(host_rng, np.random.RandomState):
        return int(host_rng.randint(0, 2**31 - 1))
    return int(host_rng.integers(0, 2**63 - 1))


class CupyBackend(Backend):
    """CuPy arrays on the current CUDA device."""

    def __init__(self) -> None:
        cp = _import_cupy()
        import array_api_compat.cupy as xp

        super().__init__("cupy", xp)
        self._cp = cp
        self._kernels: dict[str, Any] = {}
        self._ones: dict[tuple[int, Any], Any] = {}

    def is_array(self, x: Any) -> bool:
        return isinstance(x, self._cp.ndarray)

    def asarray(self, x: Any, dtype: Any = None) -> Any:
        return self._cp.asarray(x, dtype=None if dtype is None else self.dtype(dtype))

    def to_numpy(self, x: Any) -> np.ndarray:
        return self._cp.asnumpy(x)

    def reshape(self, x: Any, shape: tuple[int, ...]) -> Any:
        return x.reshape(shape)

    def matmul(self, a, b, out):
        return self._cp.matmul(a, b, out=out)

    def sum0(self, x, out):
        # A row of ones times x (cuBLAS gemv): CuPy's axis-0 reduction of a 4096 x 512
        # float32 batch took 45 us on an H100, about a tenth of a W3 step's device time.
        key = (x.shape[0], x.dtype, x.device.id)  # one backend object serves every GPU
        ones = self._ones.get(key)
        if ones is None:
            if len(self._ones) > 8:  # batch sizes come and go; keep a few
                self._ones.clear()
            ones = self._ones[key] = self._cp.ones(x.shape[0], dtype=x.dtype)
        return self._cp.matmul(ones, x, out=out)

    def assign(self, dst, src):
        self._cp.copyto(dst, src)
        return dst

    def take(self, x, index):
        return self._cp.take(x, self._cp.asarray(index), axis=0)

    def all_finite(self, x) -> bool:
        return bool(self._cp.isfinite(x).all())

    def synchronize(self) -> None:
        self._cp.cuda.get_current_stream().synchronize()

    def elementwise(self, name, in_params, out_params, body):
        kernel = self._kernels.get(name)
        if kernel is None:
            kernel = self._kernels[name] = self._cp.ElementwiseKernel(
                in_params, out_params, body, f"trainwell_{name}"
            )
        return kernel

    def make_rng(self, host_rng):
        return self._cp.random.RandomState(_seed_from(host_rng))

    def rand(self, rng, shape, dtype):
        return rng.random_sample(shape, dtype=self.dtype(dtype))

    def randn(self, rng, shape, dtype):
        return rng.standard_normal(shape, dtype=self.dtype(dtype))


class TorchBackend(Backend):
    """PyTorch tensors on one device (``torch:cpu``, ``torch:cuda``, ...)."""

    def __init__(self, name: str) -> None:
        try:
            import array_api_compat.torch as xp
            import torch
        except ImportError as exc:
            raise BackendUnavailableError(
                f"engine={name!r} needs PyTorch and array-api-compat ({exc}). Install them "
                "(`pip install torch array-api-compat`) or use engine='numpy'."
            ) from exc
        device = name.partition(":")[2] or ("cuda" if torch.cuda.is_available() else "cpu")
        try:
            torch.device(device)
        except (RuntimeError, ValueError) as exc:
            raise InvalidParameterError(
                f"engine={name!r} names no PyTorch device ({exc}). Use 'torch' (CUDA when "
                "available), 'torch:cpu', 'torch:cuda' or 'torch:cuda:N'."
            ) from None
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise BackendUnavailableError(
                f"engine={name!r} asks for a CUDA device but PyTorch sees none. "
                "Use engine='torch:cpu' or engine='numpy'."
            )
        super().__init__(name, xp, torch.device(device))
        self._torch = torch

    def is_array(self, x: Any) -> bool:
        return isinstance(x, self._torch.Tensor)

    def asarray(self, x: Any, dtype: Any = None) -> Any:
        dt = None if dtype is None else self.dtype(dtype)
        if isinstance(x, self._torch.Tensor):
            return x.to(device=self.device, dtype=dt)
        return self._torch.as_tensor(np.asarray(x), dtype=dt, device=self.device)

    def to_numpy(self, x: Any) -> np.ndarray:
        return x.detach().cpu().numpy().copy()

    def reshape(self, x: Any, shape: tuple[int, ...]) -> Any:
        return x.view(shape)

    def matmul(self, a, b, out):
        return self._torch.matmul(a, b, out=out)

    def sum0(self, x, out):
        return self._torch.sum(x, dim=0, out=out)

    def assign(self, dst, src):
        return dst.copy_(src)

    def take(self, x, index):
        return x.index_select(0, self._torch.as_tensor(np.asarray(index), device=x.device))

    def all_finite(self, x) -> bool:
        return bool(self._torch.isfinite(x).all())

    def synchronize(self) -> None:
        if self.device.type == "cuda":
            self._torch.cuda.synchronize(self.device)

    def make_rng(self, host_rng):
        return self._torch.Generator(device=self.device).manual_seed(_seed_from(host_rng))

    def rand(self, rng, shape, dtype):
        return self._torch.rand(shape, generator=rng, dtype=self.dtype(dtype), device=self.device)

    def randn(self, rng, shape, dtype):
        return self._torch.randn(shape, generator=rng, dtype=self.dtype(dtype), device=self.device)


def _import_cupy() -> Any:
    """Import CuPy and check that it sees a GPU, with errors that say what to do."""
    try:
        import cupy
    except ImportError as exc:
        raise BackendUnavailableError(
            f"engine='cupy' needs CuPy, which is not installed ({exc}). {_GPU_HINT}"
        ) from exc
    try:
        count = int(cupy.cuda.runtime.getDeviceCount())
        reason = f"{count} CUDA devices"
    except Exception as exc:  # CUDARuntimeError: no driver, no device
        count, reason = 0, f"{type(exc).__name__}: {exc}"
    if count < 1:
        raise BackendUnavailableError(
            f"engine='cupy' needs an NVIDIA GPU, but CUDA reports none ({reason}). {_GPU_HINT}"
        )
    try:
        import array_api_compat.cupy  # noqa: F401
    except ImportError as exc:
        raise BackendUnavailableError(
            f"engine='cupy' needs array-api-compat ({exc}). {_GPU_HINT}"
        ) from exc
    return cupy
