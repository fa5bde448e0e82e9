"""The ``trainwell`` command line: ``reproduce``, ``diagnose``, ``tune``, ``lab``.

The parser lives here; each command's work lives with its subject and is imported only
when that command runs, so ``trainwell --help`` stays instant.

JSON, the same in every command: ``--json`` (a flag) prints the machine-readable result on
stdout instead of the text (progress and notes go to stderr), and ``--json-out PATH`` also
writes it to a file. ``--json PATH``, the old spelling of ``--json-out PATH``, still works
for one release and says so on stderr.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from .exceptions import BackendUnavailableError


class _TuneParser(argparse.ArgumentParser):
    """``trainwell tune``'s parser: ``--help`` ends with every TOML key and its default."""

    def format_help(self) -> str:
        from .tuning.config import describe_schema

        self.epilog = "TOML keys and their defaults:\n\n" + describe_schema()
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="trainwell",
        description="A lab for the practical craft of training neural networks well.",
    )
    parser.add_argument(
        "--version", action="version", version=f"trainwell {__version__}", help="print the version"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    rep = sub.add_parser("reproduce", help="run the course's experiments and write a report")
    rep.add_argument(
        "--only", default=None, help="comma-separated experiment names (default: all); see --list"
    )
    rep.add_argument("--list", action="store_true", help="list the experiments and exit")
    rep.add_argument("--out", default="report", help="output folder (default: report/)")
    rep.add_argument(
        "--data",
        default=None,
        help="a .mat file (X, y, Xval, yval) for the regularization experiment",
    )
    _json_options(rep, "results.json's contents")
    rep.add_argument("--no-progress", action="store_true", help="hide progress bars")
    rep.add_argument(
        "--quick",
        action="store_true",
        help="a quick look: a tenth of the iterations of the long experiments, marked as "
        "such in every output (not the course's numbers)",
    )
    rep.add_argument(
        "--engine",
        default=None,
        help="where and how the networks train: numpy (default; the course's training bit "
        "for bit), numba, auto, cupy (an NVIDIA GPU), torch, torch:cuda, torch:cpu, "
        "array_api_strict",
    )
    rep.add_argument("--backend", default=None, help="deprecated: --engine")

    dia = sub.add_parser("diagnose", help="bias/variance verdict from train and dev errors")
    dia.add_argument(
        "--train-error",
        type=float,
        required=True,
        metavar="FRACTION",
        help="error rate on the training set, a fraction in [0, 1] (0.08 for 8%%)",
    )
    dia.add_argument(
        "--dev-error",
        type=float,
        required=True,
        metavar="FRACTION",
        help="error rate on the dev set, a fraction in [0, 1]",
    )
    dia.add_argument(
        "--bayes-error",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="lowest achievable error, e.g. human-level error (default: 0)",
    )
    _json_options(dia, "the verdict")

    tun = sub.add_parser(
        "tune",
        help="random search over a TOML-described space",
        description="Search hyperparameters described by a TOML file (docs/tuning.md): "
        "random or grid, coarse to fine, pruned (ASHA, median), on local processes or a Dask "
        "cluster, resumable from a journal.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tun.__class__ = _TuneParser  # its epilog (every TOML key) is built only for --help
    tun.add_argument("config", help="the TOML file: dataset, fixed settings, search space")
    tun.add_argument(
        "--workers",
        type=int,
        default=None,
        help="local worker processes (default 1; -1: one per core); beats a scheduler "
        "from the TOML or DASK_SCHEDULER_ADDRESS",
    )
    tun.add_argument(
        "--scheduler",
        default=None,
        help="a Dask scheduler address tcp://HOST:PORT (beats [search] scheduler, which "
        "beats DASK_SCHEDULER_ADDRESS)",
    )
    tun.add_argument(
        "--journal",
        default=None,
        help="a JSON-lines journal: finished trials are appended, and read back on a rerun",
    )
    tun.add_argument(
        "--retry-failed",
        action="store_true",
        help="on resume, run again the trials the journal records as failed",
    )
    _json_options(tun, "the results (config, trials, importance)")
    tun.add_argument("--out", default=None, help="folder for the plots (default CONFIG-tune/)")
    tun.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (on a terminal) and no progress lines (in a log)",
    )
    tun.add_argument(
        "--engine",
        default=None,
        help="where and how the trials train (auto, numpy, numba, cupy, torch, ...; "
        "beats [search] engine)",
    )
    tun.add_argument("--backend", default=None, help="deprecated: --engine")
    lab = sub.add_parser("lab", help="train a network live in the browser")
    lab.add_argument("--data", default=None, help="a CSV, NPZ or MAT file to start with")
    lab.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    lab.add_argument("--port", type=int, default=0, help="port (default: 0, a free one)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    lab.add_argument("--upload-limit-mb", type=float, default=50.0, help="largest upload (MiB)")
    return parser


_STDOUT = True  # what a bare ``--json`` stores


def _json_options(parser: argparse.ArgumentParser, what: str) -> None:
    """``--json`` (print JSON on stdout) and ``--json-out PATH``: one meaning everywhere."""
    parser.add_argument(
        "--json",
        nargs="?",
        const=_STDOUT,
        default=False,
        metavar="PATH",
        help=f"print {what} as JSON on stdout instead of text (the old form --json PATH "
        "still writes a file, as --json-out PATH does; it goes away in the next release)",
    )
    parser.add_argument(
        "--json-out", default=None, metavar="PATH", help=f"also write {what} as JSON to PATH"
    )


def _normalize_json(args: Any) -> None:
    """Turn the deprecated ``--json PATH`` into ``--json-out PATH`` (with a note)."""
    if not hasattr(args, "json_out") or args.json in (False, _STDOUT):
        return
    print(
        f"trainwell {args.command}: --json PATH is deprecated; write --json-out {args.json} "
        "(--json alone now prints JSON on stdout).",
        file=sys.stderr,
    )
    if args.json_out is None:
        args.json_out = args.json
    args.json = False


def _normalize_engine(args: Any) -> None:
    """Turn the deprecated ``--backend NAME`` into ``--engine`` (with a note): for
    reproduce, whose recipes trained on NumPy's layers, ``numpy`` is ``--engine numpy``;
    for tune, whose trials let fit choose, it is ``--engine auto``."""
    backend = getattr(args, "backend", None)
    if backend is None:
        return
    numpy = backend.strip().lower() == "numpy"
    engine = ("numpy" if args.command == "reproduce" else "auto") if numpy else backend
    message = (
        f"trainwell {args.command}: --backend is deprecated and goes away in the next "
        f"release; write --engine {engine}."
    )
    print(message, file=sys.stderr)
    warnings.warn(message, DeprecationWarning, stacklevel=3)
    if args.engine is not None and args.engine != engine:
        raise ValueError(f"--backend {backend} and --engine {args.engine} disagree; give --engine.")
    args.engine, args.backend = engine, None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``trainwell`` script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    _normalize_json(args)
    try:
        _normalize_engine(args)
        if args.command == "reproduce":
            from .course.runner import run_reproduce

            return run_reproduce(args)
        if args.command == "diagnose":
            from .diagnosis import cli_diagnose

            return cli_diagnose(args)
        if args.command == "tune":
            from .tuning.cli import run_tune

            return run_tune(args)
        if args.command == "lab":
            from .lab.runner import cli_lab

            return cli_lab(args)
    except (ValueError, TypeError, OSError, BackendUnavailableError) as exc:
        print(f"trainwell {args.command}: error: {exc}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
