"""Trainer.set: settings checked together, then applied between steps."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from ..exceptions import InvalidParameterError
from ..nn.layers import Dropout
from ._steps import make_runner

__all__ = ["apply_settings", "check_settings"]


def _number(name: str, value: Any, low_open: bool) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok:
        value = float(value)
        ok = math.isfinite(value) and (value > 0 if low_open else value >= 0)
    if not ok:
        want = "a finite float > 0" if low_open else "a finite float >= 0"
        raise InvalidParameterError(
            f"The '{name}' parameter of Trainer.set must be {want}. Got {value!r} instead."
        )
    return value


def check_settings(tr: Any, learning_rate, l2, l1, keep_prob, hyper: dict) -> dict[str, Any]:
    """Every value checked; a plan of what to change (nothing changed yet)."""
    plan: dict[str, Any] = {}
    if learning_rate is not None:
        plan["learning_rate"] = _number("learning_rate", learning_rate, True)
    for name, value in (("l2", l2), ("l1", l1)):
        if value is not None:
            plan[name] = _number(name, value, False)
    if keep_prob is not None:
        drops = {
            i: layer for i, layer in enumerate(tr.network.layers) if isinstance(layer, Dropout)
        }
        if not drops:
            raise InvalidParameterError("keep_prob: the network has no Dropout layer to set it on.")
        wanted = keep_prob if isinstance(keep_prob, dict) else dict.fromkeys(drops, keep_prob)
        probs = {}
        for i, p in wanted.items():
            if i not in drops:
                raise InvalidParameterError(
                    f"keep_prob: layer index {i!r} is not a Dropout layer; the Dropout layers "
                    f"are at {sorted(drops)} in network.layers."
                )
            ok = isinstance(p, (int, float)) and not isinstance(p, bool) and 0 < p <= 1
            if not ok:
                raise InvalidParameterError(
                    f"The 'keep_prob' parameter of Trainer.set must be a float in (0, 1] "
                    f"(or a dict of them). Got {p!r} for layer {i}."
                )
            probs[i] = float(p)
        plan["keep_prob"] = probs
    if hyper:
        opt = tr.optimizer
        if not dataclasses.is_dataclass(opt):
            raise InvalidParameterError(
                f"The optimizer {type(opt).__name__} is not a dataclass: its hyperparameters "
                f"({', '.join(sorted(hyper))}) cannot be set between steps."
            )
        names = {f.name for f in dataclasses.fields(opt)}
        unknown = sorted(set(hyper) - names)
        if unknown:
            raise InvalidParameterError(
                f"Trainer.set got {', '.join(map(repr, unknown))}, which the {opt.name!r} "
                f"optimizer does not have; it has {', '.join(map(repr, sorted(names))) or 'none'}"
                " (and set takes learning_rate, l2, l1, keep_prob)."
            )
        plan["optimizer"] = dataclasses.replace(opt, **hyper)  # checked by the optimizer
    return plan


def apply_settings(tr: Any, plan: dict[str, Any]) -> None:
    """Apply a checked plan; re-plan the engine when something it compiled in changed."""
    net = tr.network
    if "learning_rate" in plan:
        tr._lr_override = plan["learning_rate"]
        if tr._ep is not None:
            tr._ep.lr = plan["learning_rate"]
    if "l2" in plan:
        net.l2 = plan["l2"]
    if "l1" in plan:
        net.l1 = plan["l1"]
    for i, p in plan.get("keep_prob", {}).items():
        net.layers[i].keep_prob = p
    if "optimizer" in plan:
        tr.optimizer = tr.ctx.optimizer = plan["optimizer"]
    if "keep_prob" in plan or "optimizer" in plan:  # compiled in: plan the engine again
        tr.runner = make_runner(
            net, tr.optimizer, tr.batch_size, tr.engine, tr.record_iterations, None
        )
