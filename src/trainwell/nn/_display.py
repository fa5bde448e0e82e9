"""Jupyter's view of a Network: a table of its layers, shapes and parameter counts."""

from __future__ import annotations

from html import escape
from typing import Any

from .layers import BatchNorm, Dense, Dropout


def layer_rows(net: Any) -> list[tuple[str, str, str, str]]:
    """(layer, output units, activation or option, parameters) for each layer."""
    built = getattr(net, "input_dim", None) is not None
    rows = []
    for layer in net.layers:
        n_params = sum(int(_prod(shape)) for _, shape in layer.param_shapes()) if built else 0
        if isinstance(layer, Dense):
            what = f"Dense [{layer.index}]", str(layer.units), layer.activation.name
        elif isinstance(layer, BatchNorm):
            what = f"BatchNorm [{layer.index}]", "", layer.activation.name
        elif isinstance(layer, Dropout):
            what = "Dropout", "", f"keep_prob={layer.keep_prob:g}"
        else:
            what = type(layer).__name__, "", ""
        rows.append((*what, str(n_params) if built else "?"))
    return rows


def _prod(shape: tuple[int, ...]) -> int:
    out = 1
    for d in shape:
        out *= int(d)
    return out


def network_html(net: Any) -> str:
    """An HTML table: one row per layer, then the loss, regularization and total size."""
    head = "<tr><th>layer</th><th>units</th><th>activation</th><th>parameters</th></tr>"
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in layer_rows(net)
    )
    built = getattr(net, "input_dim", None) is not None
    size = f"{net.theta.size} parameters, n[0] = {net.input_dim}" if built else "not built yet"
    foot = f"loss={net.loss.name}, l2={net.l2:g}, l1={net.l1:g}, dtype={net.dtype}; {size}"
    return f"<div><b>Network</b><table>{head}{body}</table><p>{escape(foot)}</p></div>"
