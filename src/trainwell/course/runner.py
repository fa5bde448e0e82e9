"""``trainwell reproduce``: run the experiments, print a summary, write the report."""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from .._files import check_output
from ..engine_choice import HOST_ENGINES, parse_engine
from ..exceptions import InvalidParameterError
from . import EXPERIMENTS, run_experiment, select
from ._base import ExperimentResult, Settings
from .scheduler import ExperimentError

__all__ = ["QUICK_SCALE", "format_table", "quick_banner", "reproduce", "run_reproduce"]

#: ``--quick``: the iteration counts are multiplied by this (``Settings.scale``).
QUICK_SCALE = 0.1


def quick_banner(scale: float) -> str:
    """The line every output of a ``--quick`` run carries.

    Examples
    --------
    >>> quick_banner(0.1)[:50]
    'QUICK LOOK (--quick): the long experiments ran 10%'
    """
    return (
        f"QUICK LOOK (--quick): the long experiments ran {scale:.0%} of the course's "
        "iterations; these are not the course's numbers (run without --quick for them)."
    )


def format_table(columns: list[str], rows: list[list[Any]]) -> str:
    """A plain-text table with aligned columns.

    Examples
    --------
    >>> print(format_table(["a", "bb"], [["x", "1"], ["yy", "22"]]))
    a   bb
    --  --
    x   1
    yy  22
    """
    cells = [[str(c) for c in columns], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[j]) for row in cells) for j in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def reproduce(names: list[str], settings: Settings, *, log: Any = None) -> list[ExperimentResult]:
    """Run ``names``, timing each; ``log(line)`` reports each as it finishes.

    With ``settings.n_jobs > 1`` (and more than one core) the experiments' jobs share a
    pool of worker processes (:mod:`trainwell.course.scheduler`), the figures come back
    as PNG bytes and each experiment's time is its jobs' time added over the processes;
    otherwise they run here, one after the other. The results are the same bits either
    way, in the order of ``names``.
    """
    from .._progress import progress_bar
    from .scheduler import run_parallel, workers_for

    bar: Any = None
    count = iter(range(1, len(names) + 1))

    def started() -> None:
        nonlocal bar  # made once the workers are forked: tqdm may start a thread
        bar = progress_bar(
            total=len(names),
            desc="reproduce",
            unit="experiment",
            show=None if settings.progress else False,
        )

    def done(result: ExperimentResult) -> None:
        bar.update()
        if log is not None:
            line = f"[{next(count):>2}/{len(names)}] {result.name:<18} {result.seconds:6.1f} s"
            if bar.disable:
                log(line)
            else:
                bar.write(line)  # above the bars, without breaking them

    try:
        if workers_for(settings) > 1:
            return run_parallel(names, settings, done, started)
        started()
        results = []
        for name in names:
            bar.set_postfix_str(name)
            start = time.perf_counter()
            result = run_experiment(name, settings)
            result.seconds = time.perf_counter() - start
            results.append(result)
            done(result)
        return results
    finally:
        if bar is not None:
            bar.close()


def run_reproduce(args: Any) -> int:
    """The body of ``trainwell reproduce``; returns the exit status.

    ``args`` carries ``only``, ``list``, ``out``, ``data``, ``json`` (print results.json
    on stdout, the text on stderr), ``json_out`` (also write it there), ``no_progress``,
    ``quick`` (a tenth of the iterations, :data:`QUICK_SCALE`, marked as such in every
    output) and ``engine`` (see :mod:`trainwell.cli`; None: "numpy").
    """
    if getattr(args, "list", False):
        width = max(map(len, EXPERIMENTS))
        for name, what in EXPERIMENTS.items():
            print(f"{name:<{width}}  {what}")
        return 0
    names = select(args.only)
    engine = getattr(args, "engine", None) or "numpy"
    # an unknown name, or CuPy without a GPU, fails before any work
    engine = parse_engine(engine, "trainwell reproduce", "--engine")[0]
    check_output(args.out, "--out", folder=True)  # and so does a path it cannot write
    json_out = getattr(args, "json_out", None)
    as_json = getattr(args, "json", False) is True  # --json: JSON on stdout, text on stderr
    check_output(json_out, "--json-out", folder=False)
    from ..report import check_report_targets

    check_report_targets(args.out, json_out)  # never overwrite a file a report did not write
    if args.data is not None:
        if "regularization" not in names:
            raise InvalidParameterError(
                "--data feeds the regularization experiment, which --only leaves out."
            )
        if not Path(args.data).is_file():
            raise FileNotFoundError(f"--data: no such file: '{args.data}'.")
        from ..data import load_mat

        load_mat(args.data)  # a malformed file is refused now, not after other experiments
    quick = QUICK_SCALE if getattr(args, "quick", False) is True else None
    settings = Settings(
        scale=quick or 1.0,
        # variants train in parallel processes on the CPU; one process drives a device
        n_jobs=min(os.cpu_count() or 1, 6) if engine in HOST_ENGINES else 1,
        progress=not args.no_progress,
        data=args.data,
        backend=engine,  # the course's engine (its field keeps the old name)
    )
    start = time.perf_counter()
    say = (lambda *a: print(*a, file=sys.stderr)) if as_json else print
    if quick:
        say(quick_banner(quick))
    try:
        results = reproduce(names, settings, log=say)
    except ExperimentError as exc:  # a worker's failure: say where, then its traceback
        print(f"trainwell reproduce: error: {exc}", file=sys.stderr)
        if exc.details:
            print(f"The worker's traceback:\n{exc.details.rstrip()}", file=sys.stderr)
        return 1
    total = time.perf_counter() - start

    import numpy

    from ..report import summary_table, write_report

    command = (
        "trainwell reproduce"
        + "".join(
            f" {flag} {value}"
            for flag, value in (
                ("--only", args.only),
                ("--data", args.data),
                ("--engine", None if engine == "numpy" else engine),
            )
            if value is not None
        )
        + (" --quick" if quick else "")
    )
    meta = {
        "command": command,
        "total_seconds": total,
        "versions": f"Python {platform.python_version()}, NumPy {numpy.__version__}, "
        f"{os.cpu_count()} CPUs",
        "quick": quick,
    }
    paths = write_report(results, args.out, json_path=json_out, meta=meta)
    if as_json:
        print(paths["results"].read_text(encoding="utf-8"))
    say()
    if quick:
        say(quick_banner(quick))
    say(format_table(*summary_table(results)))
    say(
        f"\n{len(results)} experiments in {total:.1f} s. Report: {paths['index']} "
        f"(also {paths['markdown'].name}, {paths['results'].name} and the PNG figures in "
        f"{Path(args.out)})."
    )
    if "json" in paths:
        say(f"results.json also written to {paths['json']}.")
    sys.stdout.flush()
    return 0
