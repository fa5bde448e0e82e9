"""TEMPORARY stand-in for trainwell.training.Trainer until the trainer branch lands.

Implements only the slice of the Trainer contract the lab uses. Deleted at the merge.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..optim import get_optimizer
from ..training import evaluate, minibatch_slices
from ..training.batches import resolve_batch_size


class Trainer:
    def __init__(self, network, X, y, *, optimizer="gd", learning_rate=0.01, batch_size="auto",
                 schedule=None, validation_data=None, random_state=None, track_accuracy=False,
                 on_divergence="raise", **_: Any):  # fmt: skip
        self.network = network
        self.X = network.check_input(X)
        self.Y = network.encode_targets(y, self.X.shape[0])
        self.optimizer = get_optimizer(optimizer)
        self.optimizer_state = self.optimizer.init(network.theta)
        self._lr, self.schedule = float(learning_rate), schedule
        m = self.X.shape[0]
        self.slices = minibatch_slices(m, resolve_batch_size(batch_size, m))
        self.rng = np.random.RandomState(random_state)
        self.iteration = self.epoch = self._k = 0
        self._perm = np.arange(m)
        self.stopped_reason = self.message = None
        self._good = network.theta.copy()

    @property
    def learning_rate(self):
        return float(self.schedule(self.epoch)) if self.schedule else self._lr

    @property
    def epoch_progress(self):
        return self._k / len(self.slices)

    def set(self, learning_rate=None, l2=None, l1=None, keep_prob=None, **hyper):
        if learning_rate is not None:
            self._lr = float(learning_rate)
        if l2 is not None:
            self.network.l2 = float(l2)
        if l1 is not None:
            self.network.l1 = float(l1)
        if keep_prob is not None:
            for i, p in keep_prob.items():
                self.network.layers[i].keep_prob = float(p)
        if hyper:
            cfg = {**self.optimizer.get_config(), **hyper}
            self.optimizer = get_optimizer(cfg)

    def resume(self):
        self.stopped_reason = self.message = None

    def step(self, n_iterations=1):
        if self.stopped_reason:
            raise RuntimeError(self.message)
        total = 0.0
        for _ in range(n_iterations):
            if self._k == 0 and len(self.slices) > 1:
                self._perm = self.rng.permutation(self.X.shape[0])
            idx = self._perm[self.slices[self._k]]
            net = self.network
            self._good[...] = net.theta
            cost = net.loss_and_gradient(self.X[idx], self.Y[idx])
            if not math.isfinite(cost):
                net.theta[...] = self._good
                self.stopped_reason = "diverged"
                self.message = f"The cost became {cost} at iteration {self.iteration + 1}."
                return total
            net.theta, self.optimizer_state = self.optimizer.update(
                net.theta, net.grad, self.optimizer_state, self.learning_rate
            )
            if not np.isfinite(net.theta).all():
                net.theta[...] = self._good
                self.stopped_reason = "diverged"
                self.message = f"The weights became infinite at iteration {self.iteration + 1}."
                return total
            total += cost
            self.iteration += 1
            self._k += 1
            if self._k == len(self.slices):
                self._k, self.epoch = 0, self.epoch + 1
        return total / n_iterations

    def run_epoch(self):
        self.step(len(self.slices) - self._k)
        return {}

    def evaluate(self, X, y):
        X = self.network.check_input(X)
        return evaluate(self.network, X, self.network.encode_targets(y, X.shape[0]))
