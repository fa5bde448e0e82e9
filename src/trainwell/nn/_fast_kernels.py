"""The numba kernels behind :mod:`trainwell.nn._fast` (imported only when first used).

Inside an epoch the activations are kept units-by-examples (the course's orientation,
``A[l]`` of shape (n[l], m)), so every inner loop runs over the examples of the batch,
contiguous and vectorizable, and each pass over a row does as much as it can: the bias,
the activation and (on the output layer) the cost in one pass; a weight's gradient and
its share of ``dA[l-1]`` in another. Rows are padded to a multiple of 8 examples (zero
inputs, zero ``dZ``), so the passes need no scalar remainder loops; the padding adds
nothing to any gradient or cost. The arithmetic is the NumPy path's except for rounding:
sums (inside the matrix products, over a batch) may be reassociated, and the sigmoid of the
output layer is ``1 / (1 + e^-z)`` from the exponential its cross-entropy needs anyway
(the NumPy path writes ``(1 + tanh(z / 2)) / 2`` for z >= 0 and ``e^z / (1 + e^z)``
below, as hidden sigmoid layers do here). :func:`update` runs without fast-math
flags, so a step equals ``Optimizer.update`` bit for bit.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ._numba_cache import ensure_cache_dir

ensure_cache_dir()  # a writable cache folder before the @njit(cache=True) below look for one

_FASTMATH = {"reassoc", "contract"}  # never nnan/ninf: the divergence check needs NaN


# fastmath=False explicitly: a callee inherits the fast-math flags its caller leaves unset.
# error_model="numpy" everywhere: IEEE division (inf/nan, as NumPy), and vectorizable loops.
@numba.njit(cache=True, fastmath=False, error_model="numpy")
def update(code, theta, grad, v, s, c1mb1, b1, step, c1mb2, b2, eps, c2):  # pragma: no cover
    """One optimizer step over the flat buffer: 0 gd, 1 momentum, 2 rmsprop, 3 adam.

    ``c1mb1 = 1 - beta1``, ``step`` the scaled learning rate, ``c1mb2 = 1 - beta2``,
    ``c2 = 1 / (1 - beta2**t)``: the scalars the Python optimizers compute, in the
    buffer's dtype.
    """
    n = theta.shape[0]
    if code == 0:
        for p in range(n):
            theta[p] -= grad[p] * step
    elif code == 1:
        for p in range(n):
            v[p] = v[p] * b1 + grad[p] * c1mb1
            theta[p] -= v[p] * step
    elif code == 2:
        for p in range(n):
            g = grad[p]
            s[p] = s[p] * b2 + (g * g) * c1mb2
            theta[p] -= (g / (np.sqrt(s[p]) + eps)) * step
    else:
        for p in range(n):
            g = grad[p]
            v[p] = v[p] * b1 + g * c1mb1
            s[p] = s[p] * b2 + (g * g) * c1mb2
            theta[p] -= (v[p] / (np.sqrt(s[p] * c2) + eps)) * step


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _bias_act(code, Z, A, bias, r, mb, slope):  # pragma: no cover
    """Row r: Z += bias, A = g(Z) (0 linear, 1 relu, 2 leaky relu of slope ``slope``,
    3 tanh, 4 sigmoid; the codes are the activations' ``kernel_code``)."""
    if code == 0:
        for i in range(mb):
            z = Z[r, i] + bias
            Z[r, i] = z
            A[r, i] = z
    elif code == 1:
        for i in range(mb):
            z = Z[r, i] + bias
            Z[r, i] = z
            A[r, i] = 0.0 if z <= 0.0 else z
    elif code == 2:
        for i in range(mb):
            z = Z[r, i] + bias
            Z[r, i] = z
            A[r, i] = z * (1.0 if z > 0.0 else slope)
    elif code == 3:
        for i in range(mb):
            z = Z[r, i] + bias
            Z[r, i] = z
            A[r, i] = math.tanh(z)
    else:
        for i in range(mb):
            z = Z[r, i] + bias
            Z[r, i] = z
            if z < 0.0:  # e^z / (1 + e^z): full relative precision on the lower tail
                e = math.exp(z)
                A[r, i] = e / (1.0 + e)
            else:
                A[r, i] = (math.tanh(z * 0.5) + 1.0) * 0.5


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _output(loss, Z, A, YT, r0, n, mb):  # pragma: no cover
    """The output activation of rows r0 .. r0 + n (biases added) over the batch's mb real
    examples, and their mean data loss, from the logits as the losses module does."""
    acc = 0.0
    if loss == 0:  # sigmoid, binary cross-entropy
        for j in range(n):
            for i in range(mb):
                z, y = Z[r0 + j, i], YT[j, i]
                e = math.exp(-abs(z))
                A[r0 + j, i] = 1.0 / (1.0 + e) if z >= 0.0 else e / (1.0 + e)
                acc += (max(z, 0.0) - z * y) + math.log1p(e)
        return acc / mb
    if loss == 1:  # softmax, categorical cross-entropy
        for i in range(mb):
            mx = Z[r0, i]
            for j in range(1, n):
                mx = max(mx, Z[r0 + j, i])
            tot = 0.0
            for j in range(n):
                e = math.exp(Z[r0 + j, i] - mx)
                A[r0 + j, i] = e
                tot += e
            lse = math.log(tot)
            for j in range(n):
                A[r0 + j, i] /= tot
                acc += YT[j, i] * ((Z[r0 + j, i] - mx) - lse)
        return -acc / mb
    for j in range(n):  # linear, half mean squared error
        for i in range(mb):
            a = Z[r0 + j, i]
            A[r0 + j, i] = a
            d = a - YT[j, i]
            acc += d * d
    return acc / (2 * mb)


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _back_act(code, H, k, Z, A, M, r, mb, masked, slope):  # pragma: no cover
    """Row k of dA: times the dropout mask (if any), then times g'(Z) of row r."""
    if masked:
        for i in range(mb):
            H[k, i] *= M[r, i]
    if code == 1:
        for i in range(mb):
            H[k, i] *= 1.0 if Z[r, i] > 0.0 else 0.0
    elif code == 2:
        for i in range(mb):
            H[k, i] *= 1.0 if Z[r, i] > 0.0 else slope
    elif code == 3:
        for i in range(mb):
            H[k, i] *= 1.0 - A[r, i] * A[r, i]
    elif code == 4:
        for i in range(mb):
            H[k, i] *= A[r, i] * (1.0 - A[r, i])


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def train_epoch(
    theta,
    grad,
    prev,
    v,
    s,
    X,
    Y,
    order,
    U,
    bounds,
    ints,
    keep,
    hyp,
    t,
    costs,
    total,
    acts,
    grads,
    yt,
):  # pragma: no cover
    """Train over the batches ``X[order[bounds[b]:bounds[b+1]]]`` (``order`` empty: in
    order); returns (total, steps, t), ``total`` carried on from the one given (a run of
    an epoch's steps continues the epoch's sum exactly as one call would).

    ``ints`` = [L, loss, optimizer, n_weights, sizes (L+1), W offsets (L), b offsets (L,
    -1: none), activations (L)]; ``keep[q]`` the keep probability of the dropout on A[q];
    ``hyp`` = [lr, l2, l1, beta1, beta2, epsilon, bias_correction, leaky slope] (the
    constants from :func:`trainwell.nn._fast_codes.constants`); ``U`` the epoch's
    uniform draws for the dropout masks; ``costs[b]`` receives each batch's cost; ``acts``
    (4, units, batch), ``grads`` (2, widest layer, batch) and ``yt`` (output units, batch)
    the float64 buffers the activations live in (batch: the largest batch rounded up to a
    multiple of 8, or more; buffers too small are replaced by new ones), kept by the
    caller so that an epoch of one big batch does not allocate and fault in fresh pages
    on every call. Stops at the first non-finite cost (before that step's update) and
    returns its index as steps.
    """
    L, loss, opt, nw = ints[0], ints[1], ints[2], ints[3]
    sizes = ints[4 : 5 + L]
    woff = ints[5 + L : 5 + 2 * L]
    boff = ints[5 + 2 * L : 5 + 3 * L]
    act = ints[5 + 3 * L : 5 + 4 * L]
    lr, l2, l1, b1, b2, eps, bc = hyp[0], hyp[1], hyp[2], hyp[3], hyp[4], hyp[5], hyp[6]
    slope = hyp[7]
    nb = bounds.shape[0] - 1
    bsmax = 8
    for b in range(nb):
        bsmax = max(bsmax, bounds[b + 1] - bounds[b])
    bsmax = (bsmax + 7) // 8 * 8
    roff = np.zeros(L + 2, np.int64)  # layer q's units are rows roff[q] .. roff[q + 1]
    for q in range(L + 1):
        roff[q + 1] = roff[q] + sizes[q]
    R, nmax = roff[L + 1], sizes.max()
    if acts.shape[1] != R or acts.shape[2] < bsmax:
        acts = np.empty((4, R, bsmax))
    bsmax = acts.shape[2]  # a wider buffer serves: only its first mb columns are used
    if grads.shape[1] != nmax or grads.shape[2] != bsmax:
        grads = np.empty((2, nmax, bsmax))
    if yt.shape[0] != sizes[L] or yt.shape[1] != bsmax:
        yt = np.empty((sizes[L], bsmax))
    A = acts[0]  # activations A[q], q = 0 (the input) .. L, units by examples
    Z = acts[1]  # linear parts Z[l] in the same rows
    D = acts[2]  # A[q] after dropout, where there is dropout
    M = acts[3]  # dropout masks (0 or 1 / keep_prob)
    G = grads[0]  # dZ of the current layer
    H = grads[1]  # dA of the layer below
    YT = yt  # the batch's targets, units by examples
    shuffled = order.shape[0] > 0
    upos = 0
    for b in range(nb):
        start, mr = bounds[b], bounds[b + 1] - bounds[b]
        mb = (mr + 7) // 8 * 8
        for i in range(mr):
            row = order[start + i] if shuffled else start + i
            for k in range(sizes[0]):
                A[k, i] = X[row, k]
            for k in range(sizes[L]):
                YT[k, i] = Y[row, k]
        for i in range(mr, mb):
            for k in range(sizes[0]):
                A[k, i] = 0.0
        # forward (dropout on A[q] feeds layer q + 1 from D)
        for l in range(1, L + 1):
            q, nin, nout = l - 1, sizes[l - 1], sizes[l]
            r, zr, wo = roff[q], roff[l], woff[q]
            src = A
            if keep[q] < 1.0:
                kp = keep[q]
                inv = 1.0 / kp
                for i in range(mr):
                    for k in range(nin):
                        f = inv if U[upos + i * nin + k] < kp else 0.0
                        M[r + k, i] = f
                        D[r + k, i] = A[r + k, i] * f
                for i in range(mr, mb):
                    for k in range(nin):
                        M[r + k, i] = 0.0
                        D[r + k, i] = 0.0
                upos += mr * nin
                src = D
            for j in range(nout):
                w = theta[wo + j * nin]
                for i in range(mb):
                    Z[zr + j, i] = w * src[r, i]
                for k in range(1, nin):
                    w = theta[wo + j * nin + k]
                    for i in range(mb):
                        Z[zr + j, i] += w * src[r + k, i]
                if l < L:
                    bias = theta[boff[q] + j] if boff[q] >= 0 else 0.0
                    _bias_act(act[q], Z, A, bias, zr + j, mb, slope)
                elif boff[q] >= 0:
                    bias = theta[boff[q] + j]
                    for i in range(mb):
                        Z[zr + j, i] += bias
        nL, rL = sizes[L], roff[L]
        cost = _output(loss, Z, A, YT, rL, nL, mr)
        reg = 0.0
        if l2 != 0.0:
            ss = 0.0
            for p in range(nw):
                ss += theta[p] * theta[p]
            reg += l2 / (2 * mr) * ss
        if l1 != 0.0:
            sa = 0.0
            for p in range(nw):
                sa += abs(theta[p])
            reg += l1 / mr * sa
        cost = cost + reg
        costs[b] = cost
        if not math.isfinite(cost):
            return total, b, t
        # backward: dZ[L] = (A[L] - Y) / m for the fused output pairs
        inv_m = 1.0 / mr
        for j in range(nL):
            for i in range(mr):
                G[j, i] = (A[rL + j, i] - YT[j, i]) * inv_m
            for i in range(mr, mb):
                G[j, i] = 0.0
        for l in range(L, 0, -1):
            q, nin, nout = l - 1, sizes[l - 1], sizes[l]
            r, wo = roff[q], woff[q]
            src = D if keep[q] < 1.0 else A
            for j in range(nout):
                for k in range(nin):  # dW[j, k], and W[j, k] dZ[j] into dA[q][k]
                    w, acc = theta[wo + j * nin + k], 0.0
                    if l == 1:
                        for i in range(mb):
                            acc += G[j, i] * src[r + k, i]
                    elif j == 0:
                        for i in range(mb):
                            g = G[j, i]
                            acc += g * src[r + k, i]
                            H[k, i] = w * g
                    else:
                        for i in range(mb):
                            g = G[j, i]
                            acc += g * src[r + k, i]
                            H[k, i] += w * g
                    grad[wo + j * nin + k] = acc
                if boff[q] >= 0:
                    acc = 0.0
                    for i in range(mb):
                        acc += G[j, i]
                    grad[boff[q] + j] = acc
            if l > 1:
                for k in range(nin):
                    _back_act(act[q - 1], H, k, Z, A, M, r + k, mb, keep[q] < 1.0, slope)
                G, H = H, G
        if l2 != 0.0:
            c = l2 / mr
            for p in range(nw):
                grad[p] += theta[p] * c
        if l1 != 0.0:
            c = l1 / mr
            for p in range(nw):
                w = theta[p]
                grad[p] += (1.0 if w > 0.0 else (-1.0 if w < 0.0 else w * 0.0)) * c
        # the update, with the scalars the Python optimizers compute
        prev[:] = theta
        t += 1
        step, c2 = lr, 0.0
        if opt == 1 and bc != 0.0:
            step = lr / (1.0 - b1 ** float(t))
        elif opt == 3:
            step = lr / (1.0 - b1 ** float(t))
            c2 = 1.0 / (1.0 - b2 ** float(t))
        update(opt, theta, grad, v, s, 1.0 - b1, b1, step, 1.0 - b2, b2, eps, c2)
        total += cost * mr
    return total, nb, t
