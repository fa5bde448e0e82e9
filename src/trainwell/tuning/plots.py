"""Figures of a search: dev score per hyperparameter, zoom boxes, curves, importance.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot, no global
backend switch), so they render with the Agg backend wherever they are saved; matplotlib
is imported only when a plot is asked for. Each function returns the Figure and, given a
``path``, also writes it as a PNG.
"""

from __future__ import annotations

import os
from typing import Any

from ..exceptions import InvalidParameterError

__all__ = ["plot_curves", "plot_importance", "plot_search", "plot_zoom"]

PathLike = str | os.PathLike[str] | None


def _figure(width: float, height: float) -> Any:
    from .._figures import new_figure

    return new_figure(width, height)


def _save(fig: Any, path: PathLike) -> Any:
    if path is not None:
        from .._files import save_figure

        save_figure(fig, path, dpi=110)
    return fig


def _color(round_index: int) -> str:
    return f"C{round_index % 10}"


def _axis_values(dist: Any, values: list[Any]) -> list[float]:
    """Where values sit on the x axis: 1 - beta for betas, positions for choices."""
    if not dist.numeric:
        return [float(dist.index(v)) for v in values]
    if dist.kind == "one_minus_log_uniform":
        return [1.0 - v for v in values]
    return [float(v) for v in values]


def _setup_axis(ax: Any, name: str, dist: Any) -> None:
    if not dist.numeric:
        ax.set_xticks(range(len(dist.values)), [str(v) for v in dist.values])
        ax.set_xlim(-0.5, len(dist.values) - 0.5)
        ax.set_xlabel(name)
    else:
        _scale(ax.xaxis, ax.set_xscale, ax.set_xlim, ax.set_xlabel, name, dist)


def _scale(axis: Any, set_scale: Any, set_lim: Any, set_label: Any, name: str, dist: Any) -> None:
    """Log axes where sampled in log; betas on a log axis of 1 - beta, labelled as beta.

    The limits are the whole (first-round) range, padded a little in the sampling scale.
    Short log ranges (under 2.5 decades) get ticks at 1, 2 and 5 times each power of ten.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    lo, hi = dist.scale_bounds()
    short = hi - lo < 2.5
    lo, hi = lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo)
    if not dist.log_scale:
        set_lim(lo, hi)
        set_label(name)
        return
    set_scale("log")
    if short:
        axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    axis.set_minor_formatter(NullFormatter())
    if dist.kind == "one_minus_log_uniform":
        set_lim(10.0**hi, 10.0**lo)  # decreasing 1 - beta: beta grows to the right
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{1 - v:.6g}"))
        set_label(f"{name} (log scale of 1 - {name})")
    else:
        set_lim(10.0**lo, 10.0**hi)
        if short:
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        set_label(f"{name} (log scale)")


def plot_search(result: Any, path: PathLike = None) -> Any:
    """Dev score against each hyperparameter: rounds coloured, zoom boxes shaded.

    Axes are logarithmic where the hyperparameter was sampled in log scale (betas are
    shown as ``1 - beta`` on a log axis). Failed and diverged trials are grey crosses at
    the bottom; each round's box (after the first) is shaded in that round's colour; the
    best trial is a star.

    Parameters
    ----------
    result : SearchResult
    path : str or Path, optional
        Write the figure there as a PNG.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from trainwell.tuning import random_search, SyntheticObjective, LogUniform
    >>> result = random_search(SyntheticObjective({"learning_rate": 0.01}),
    ...                        {"learning_rate": LogUniform(1e-4, 1)}, 8, 0, rounds=2)
    >>> fig = plot_search(result)
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_ylabel()
    ('log', 'dev score')
    """
    names = list(result.space)
    ncols = min(3, len(names))
    nrows = -(-len(names) // ncols)
    fig = _figure(4.2 * ncols, 3.4 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    best = result.best_trial
    for ax, name in zip(axes, names):
        dist = result.space[name]
        for rnd in result.rounds:
            trials = [result.trials_by_index[i] for i in rnd.trials]
            ok = [t for t in trials if t.ok]
            ax.scatter(
                _axis_values(dist, [t.config[name] for t in ok]),
                [t.dev_score for t in ok],
                s=22,
                color=_color(rnd.index),
                label=f"round {rnd.index + 1}",
                zorder=3,
            )
            bad = [t for t in trials if not t.ok]
            if bad:
                ax.scatter(
                    _axis_values(dist, [t.config[name] for t in bad]),
                    [0.02] * len(bad),
                    marker="x",
                    color="0.5",
                    transform=ax.get_xaxis_transform(),
                    label="failed" if rnd.index == 0 else None,
                    zorder=3,
                )
            if rnd.index > 0 and dist.numeric:
                lo, hi = _axis_values(dist, rnd.box[name])
                ax.axvspan(min(lo, hi), max(lo, hi), color=_color(rnd.index), alpha=0.12)
        if best is not None:
            ax.scatter(
                _axis_values(dist, [best.config[name]]),
                [best.dev_score],
                marker="*",
                s=160,
                color="gold",
                edgecolor="black",
                zorder=4,
                label="best",
            )
        _setup_axis(ax, name, dist)
        ax.set_ylabel("dev score")
        ax.grid(alpha=0.3)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize="small")
    fig.suptitle(
        f"{result.method} search: {len(result.trials)} trials, "
        f"best dev score {result.best_score:.4g}"
    )
    return _save(fig, path)


def plot_zoom(result: Any, x: str, y: str, path: PathLike = None) -> Any:
    """Two numeric hyperparameters against each other, with each round's zoom box.

    Examples
    --------
    >>> from trainwell.tuning import random_search, SyntheticObjective, LogUniform, Uniform
    >>> space = {"learning_rate": LogUniform(1e-4, 1), "keep_prob": Uniform(0.5, 1.0)}
    >>> objective = SyntheticObjective({"learning_rate": 0.01, "keep_prob": 0.8},
    ...                                scales={"keep_prob": "linear"})
    >>> fig = plot_zoom(random_search(objective, space, 8, 0, rounds=3), "learning_rate",
    ...                 "keep_prob")
    >>> len(fig.axes[0].patches)  # one box per round
    3
    """
    from matplotlib.patches import Rectangle

    for name in (x, y):
        if name not in result.space or not result.space[name].numeric:
            numeric = [n for n in result.space if result.space[n].numeric]
            raise InvalidParameterError(
                f"plot_zoom needs two numeric searched hyperparameters; {name!r} is not one "
                f"of {numeric}."
            )
    dx, dy = result.space[x], result.space[y]
    fig = _figure(5.5, 4.5)
    ax = fig.subplots()
    for rnd in result.rounds:
        ok = [t for t in (result.trials_by_index[i] for i in rnd.trials) if t.ok]
        ax.scatter(
            _axis_values(dx, [t.config[x] for t in ok]),
            _axis_values(dy, [t.config[y] for t in ok]),
            s=22,
            color=_color(rnd.index),
            label=f"round {rnd.index + 1}",
            zorder=3,
        )
        (x0, x1), (y0, y1) = _axis_values(dx, rnd.box[x]), _axis_values(dy, rnd.box[y])
        ax.add_patch(
            Rectangle(
                (min(x0, x1), min(y0, y1)),
                abs(x1 - x0),
                abs(y1 - y0),
                fill=False,
                edgecolor=_color(rnd.index),
                linewidth=1.5,
            )
        )
    _setup_axis(ax, x, dx)
    _scale(ax.yaxis, ax.set_yscale, ax.set_ylim, ax.set_ylabel, y, dy)
    ax.legend(fontsize="small")
    ax.set_title("coarse to fine: each round samples inside its box")
    return _save(fig, path)


def plot_curves(result: Any, top: int = 5, path: PathLike = None) -> Any:
    """The learning curves (cost per epoch) of the ``top`` best trials."""
    fig = _figure(6, 4)
    ax = fig.subplots()
    for rank, trial in enumerate(result.ranked()[:top]):
        if trial.curve:
            label = ", ".join(
                f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                for k, v in trial.config.items()
            )
            ax.plot(trial.curve, color=f"C{rank}", label=f"#{trial.index}: {label}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost")
    ax.set_title(f"learning curves of the {top} best trials")
    if ax.lines:
        ax.legend(fontsize="x-small")
    return _save(fig, path)


def plot_importance(report: Any, path: PathLike = None) -> Any:
    """Horizontal bars of each hyperparameter's importance, labelled with the course's tier."""
    fig = _figure(6.5, 0.5 * len(report.rows) + 1.5)
    ax = fig.subplots()
    rows = list(reversed(report.rows))
    ax.barh(range(len(rows)), [r["importance"] for r in rows], color="C0")
    ax.set_yticks(
        range(len(rows)), [f"{r['name']} (course tier {r['course_tier'] or '-'})" for r in rows]
    )
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of dev-score variance explained")
    ax.set_title(f"hyperparameter importance ({report.method}, {report.n_trials} trials)")
    return _save(fig, path)
