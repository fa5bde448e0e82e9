"""The numba kernels behind :mod:`trainwell.nn._fast` (imported only when first used).

Inside an epoch the activations are kept features-by-examples (the course's orientation,
``A[l]`` of shape (n[l], m), flattened), so every inner loop runs over the examples of the
batch, contiguous and vectorizable. The arithmetic is the NumPy path's, operation by
operation; only sums (inside the matrix products, over a batch) may be reassociated, which
changes results by rounding only. :func:`update` runs without any fast-math flag, so a
step equals ``Optimizer.update`` bit for bit.
"""

from __future__ import annotations

import math

import numba
import numpy as np

_FASTMATH = {"reassoc", "contract"}  # never nnan/ninf: the divergence check needs NaN


@numba.njit(cache=True, fastmath=False)  # explicit: callees inherit unset fastmath flags
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


@numba.njit(cache=True, fastmath=_FASTMATH)
def _activate(code, Z, A, r0, n, mb):  # pragma: no cover
    """A = g(Z) over rows r0 .. r0 + n (columns 0 .. mb); softmax over each column."""
    if code == 5:
        for i in range(mb):
            mx = Z[r0, i]
            for j in range(1, n):
                mx = max(mx, Z[r0 + j, i])
            tot = 0.0
            for j in range(n):
                e = math.exp(Z[r0 + j, i] - mx)
                A[r0 + j, i] = e
                tot += e
            for j in range(n):
                A[r0 + j, i] /= tot
        return
    for j in range(r0, r0 + n):
        z, a = Z[j], A[j]
        if code == 0:
            for i in range(mb):
                a[i] = z[i]
        elif code == 1:
            for i in range(mb):
                a[i] = 0.0 if z[i] <= 0.0 else z[i]
        elif code == 2:
            for i in range(mb):
                a[i] = z[i] * (1.0 if z[i] > 0.0 else 0.01)
        elif code == 3:
            for i in range(mb):
                a[i] = math.tanh(z[i])
        else:
            for i in range(mb):
                a[i] = (math.tanh(z[i] * 0.5) + 1.0) * 0.5


@numba.njit(cache=True, fastmath=_FASTMATH)
def _activate_back(code, D, Z, A, r0, n, mb):  # pragma: no cover
    """D[:n] = D[:n] * g'(Z) in place, for rows r0 .. r0 + n of Z and A."""
    if code == 0:
        return
    for j in range(n):
        d, z, a = D[j], Z[r0 + j], A[r0 + j]
        if code == 1:
            for i in range(mb):
                d[i] *= 1.0 if z[i] > 0.0 else 0.0
        elif code == 2:
            for i in range(mb):
                d[i] *= 1.0 if z[i] > 0.0 else 0.01
        elif code == 3:
            for i in range(mb):
                d[i] *= 1.0 - a[i] * a[i]
        else:
            for i in range(mb):
                d[i] *= a[i] * (1.0 - a[i])


@numba.njit(cache=True, fastmath=_FASTMATH)
def _cost(loss, Z, A, Y, r0, n, mb):  # pragma: no cover
    """The batch's mean data loss (Y units by examples), computed from the logits as the
    losses module does."""
    acc = 0.0
    if loss == 0:
        for j in range(n):
            z, y = Z[r0 + j], Y[j]
            for i in range(mb):
                acc += (max(z[i], 0.0) - z[i] * y[i]) + math.log1p(math.exp(-abs(z[i])))
        return acc / mb
    if loss == 1:
        for i in range(mb):
            mx = Z[r0, i]
            for j in range(1, n):
                mx = max(mx, Z[r0 + j, i])
            tot = 0.0
            for j in range(n):
                tot += math.exp(Z[r0 + j, i] - mx)
            lse = math.log(tot)
            for j in range(n):
                acc += Y[j, i] * ((Z[r0 + j, i] - mx) - lse)
        return -acc / mb
    for j in range(n):
        a, y = A[r0 + j], Y[j]
        for i in range(mb):
            d = a[i] - y[i]
            acc += d * d
    return acc / (2 * mb)


@numba.njit(cache=True, fastmath=_FASTMATH)
def train_epoch(
    theta, grad, prev, v, s, X, Y, order, U, bounds, ints, keep, hyp, t, costs
):  # pragma: no cover
    """Train over the batches ``X[order[bounds[b]:bounds[b+1]]]`` (``order`` empty: in
    order); returns (total, steps, t).

    ``ints`` = [L, loss, optimizer, n_weights, sizes (L+1), W offsets (L), b offsets (L,
    -1: none), activations (L)]; ``keep[q]`` the keep probability of the dropout on A[q];
    ``hyp`` = [lr, l2, l1, beta1, beta2, epsilon, bias_correction]; ``U`` the epoch's
    uniform draws for the dropout masks; ``costs[b]`` receives each batch's cost. Stops at
    the first non-finite cost (before that step's update) and returns its index as steps.
    """
    L, loss, opt, nw = ints[0], ints[1], ints[2], ints[3]
    sizes = ints[4 : 5 + L]
    woff = ints[5 + L : 5 + 2 * L]
    boff = ints[5 + 2 * L : 5 + 3 * L]
    act = ints[5 + 3 * L : 5 + 4 * L]
    lr, l2, l1, b1, b2, eps, bc = hyp[0], hyp[1], hyp[2], hyp[3], hyp[4], hyp[5], hyp[6]
    nb = bounds.shape[0] - 1
    bsmax = 1
    for b in range(nb):
        bsmax = max(bsmax, bounds[b + 1] - bounds[b])
    roff = np.zeros(L + 2, np.int64)  # layer q's units are rows roff[q] .. roff[q + 1]
    for q in range(L + 1):
        roff[q + 1] = roff[q] + sizes[q]
    R, nmax = roff[L + 1], sizes.max()
    A = np.empty((R, bsmax))  # activations A[q], q = 0 (the input) .. L, units by examples
    Z = np.empty((R, bsmax))  # linear parts Z[l] in the same rows
    Dd = np.empty((R, bsmax))  # A[q] after dropout, where there is dropout
    M = np.empty((R, bsmax))  # dropout masks (0 or 1 / keep_prob)
    G = np.empty((nmax, bsmax))  # dZ of the current layer
    H = np.empty((nmax, bsmax))  # dA of the layer below
    YT = np.empty((sizes[L], bsmax))  # the batch's targets, units by examples
    shuffled = order.shape[0] > 0
    total, upos = 0.0, 0
    for b in range(nb):
        start, mb = bounds[b], bounds[b + 1] - bounds[b]
        for i in range(mb):
            row = order[start + i] if shuffled else start + i
            for k in range(sizes[0]):
                A[k, i] = X[row, k]
            for k in range(sizes[L]):
                YT[k, i] = Y[row, k]
        # forward
        for l in range(1, L + 1):
            q, nin, nout = l - 1, sizes[l - 1], sizes[l]
            r, wo = roff[q], woff[q]
            src = A
            if keep[q] < 1.0:
                kp = keep[q]
                inv = 1.0 / kp
                for i in range(mb):
                    for k in range(nin):
                        f = inv if U[upos + i * nin + k] < kp else 0.0
                        M[r + k, i] = f
                        Dd[r + k, i] = A[r + k, i] * f
                upos += mb * nin
                src = Dd
            for j in range(nout):
                zj, w = Z[roff[l] + j], theta[wo + j * nin]
                x = src[r]
                for i in range(mb):
                    zj[i] = w * x[i]
                for k in range(1, nin):
                    w, x = theta[wo + j * nin + k], src[r + k]
                    for i in range(mb):
                        zj[i] += w * x[i]
                if boff[q] >= 0:
                    bj = theta[boff[q] + j]
                    for i in range(mb):
                        zj[i] += bj
            _activate(act[q], Z, A, roff[l], nout, mb)
        # cost, as the NumPy path computes it: data loss + regularization
        nL, rL = sizes[L], roff[L]
        cost = _cost(loss, Z, A, YT, rL, nL, mb)
        reg = 0.0
        if l2 != 0.0:
            ss = 0.0
            for p in range(nw):
                ss += theta[p] * theta[p]
            reg += l2 / (2 * mb) * ss
        if l1 != 0.0:
            sa = 0.0
            for p in range(nw):
                sa += abs(theta[p])
            reg += l1 / mb * sa
        cost = cost + reg
        costs[b] = cost
        if not math.isfinite(cost):
            return total, b, t
        # backward: dZ[L] = (A[L] - Y) / m for the fused output pairs
        inv_m = 1.0 / mb
        for j in range(nL):
            g, a, y = G[j], A[rL + j], YT[j]
            for i in range(mb):
                g[i] = (a[i] - y[i]) * inv_m
        for l in range(L, 0, -1):
            q, nin, nout = l - 1, sizes[l - 1], sizes[l]
            r, wo = roff[q], woff[q]
            src = Dd if keep[q] < 1.0 else A
            for j in range(nout):
                g = G[j]
                for k in range(nin):
                    x, acc = src[r + k], 0.0
                    for i in range(mb):
                        acc += g[i] * x[i]
                    grad[wo + j * nin + k] = acc
                if boff[q] >= 0:
                    acc = 0.0
                    for i in range(mb):
                        acc += g[i]
                    grad[boff[q] + j] = acc
            if l == 1:
                break
            for k in range(nin):  # dA[q] = dZ[l] @ W[l], then dropout and g'
                h, w, g = H[k], theta[wo + k], G[0]
                for i in range(mb):
                    h[i] = w * g[i]
                for j in range(1, nout):
                    w, g = theta[wo + j * nin + k], G[j]
                    for i in range(mb):
                        h[i] += w * g[i]
            if keep[q] < 1.0:
                for k in range(nin):
                    h, mk = H[k], M[r + k]
                    for i in range(mb):
                        h[i] *= mk[i]
            _activate_back(act[q - 1], H, Z, A, r, nin, mb)
            G, H = H, G
        if l2 != 0.0:
            c = l2 / mb
            for p in range(nw):
                grad[p] += theta[p] * c
        if l1 != 0.0:
            c = l1 / mb
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
        total += cost * mb
    return total, nb, t
