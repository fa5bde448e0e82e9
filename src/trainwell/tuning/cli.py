"""``trainwell tune CONFIG.toml``: a search described by a TOML file.

The file names the dataset, the settings every trial shares, the search and its space::

    [dataset]
    name = "moons"             # trainwell.data.load_moons(...); or path = "data.npz"
    n_samples = 600            # other keys go to the loader
    dev_fraction = 0.25        # dev set held out of the training set (default 0.25)
    task = "auto"              # or "classification", "regression" (see below)

    [fixed]                    # NetworkObjective settings shared by every trial
    optimizer = "adam"
    epochs = 100
    hidden_units = 10

    [search]
    method = "random"          # or "grid"
    n_trials = 20              # per round
    rounds = 2                 # coarse to fine
    keep = 0.25
    random_state = 0
    metric = "score"           # or "neg_cost": minus the dev cost, finer than accuracy
    # fixed_seed = 0           # every trial starts from the same weights and shuffles

    [space]
    learning_rate = { dist = "log_uniform", low = 1e-4, high = 1.0 }
    beta2 = { dist = "one_minus_log_uniform", low = 0.9, high = 0.9999 }
    batch_size = { dist = "choice", values = [32, 64, 128] }

A ``path`` dataset is a ``.npz`` holding ``X_train, y_train`` (and optionally
``X_dev, y_dev``) or ``X, y``, or a ``.csv`` of numbers whose last column is the label;
relative paths are read from the TOML file's folder. The dev set always comes out of the
training data (never the test set), as the course insists.

Every key with its default: ``trainwell tune --help``, docs/tuning.md, and
:data:`trainwell.tuning.config.SCHEMA` (where both come from).

``task`` says what the labels are. ``"auto"`` (the default) takes whole numbers (and
strings) for class labels, split stratified, and other numbers for regression targets;
it refuses whole numbers with a class of fewer than 2 examples, which are more likely
values to predict. ``"regression"`` trains on mean squared error and scores by R², whole
numbers or not. ``"classification"`` encodes the labels (any numbers or strings) as
0..C-1 and stratifies the split when every class has at least 2 examples.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .._files import check_output, write_atomic
from .._validation import Interval, Options, validate_params
from ..exceptions import DataError, InvalidParameterError
from .config import load_config, pruner_options

__all__ = ["load_config", "load_dataset", "run_tune"]

MAX_ROWS = 25
TASKS = ("auto", "classification", "regression")


def load_dataset(spec: dict[str, Any]) -> tuple[np.ndarray, ...]:
    """``(X_train, y_train, X_dev, y_dev)`` from a ``[dataset]`` table."""
    spec = dict(spec)
    dev_fraction = spec.pop("dev_fraction", 0.25)
    split_seed = spec.pop("split_seed", 0)
    task = spec.pop("task", "auto")
    validate_params(
        {
            "dev_fraction": [Interval("real", 0, 1, closed="neither")],
            "split_seed": [Interval("int", 0, 2**32 - 1)],
            "task": [Options(set(TASKS))],
        },
        {"dev_fraction": dev_fraction, "split_seed": split_seed, "task": task},
        "[dataset]",
    )
    dev = None
    if "path" in spec:
        path = Path(spec.pop("path"))
        if spec:
            raise InvalidParameterError(f"[dataset] with a path takes no key(s) {sorted(spec)}.")
        X, y, dev = _read_file(path)
    else:
        import importlib

        name = spec.pop("name")
        # trainwell.data re-exports its loaders; datasets.py is where they live.
        modules = [
            importlib.import_module(m) for m in ("trainwell.data", "trainwell.data.datasets")
        ]
        loaders = {n[5:]: getattr(m, n) for m in modules for n in dir(m) if n.startswith("load_")}
        loader = loaders.get(name)
        if not callable(loader):
            raise InvalidParameterError(
                f"[dataset] name must be one of {sorted(loaders)}. Got {name!r} instead."
            )
        try:
            ds = loader(**spec)
        except TypeError as exc:
            raise InvalidParameterError(f"[dataset] options for load_{name}: {exc}") from None
        X, y = ds.X_train, ds.y_train
    if task == "classification" and (y.ndim != 1 or (dev is not None and dev[1].ndim != 1)):
        raise DataError(
            f"[dataset] task = 'classification' needs 1-D labels; y has shape {y.shape}."
        )
    if dev is not None:
        return X, y, *dev
    from sklearn.model_selection import train_test_split

    stratify = None
    if task == "classification" or (task == "auto" and _whole_labels(y)):
        classes, counts = np.unique(y, return_counts=True)
        if counts.min() >= 2:
            stratify = y
        elif task == "auto":
            raise DataError(
                f"[dataset]: the targets are whole numbers, so task = 'auto' takes them for "
                f"class labels, but {np.sum(counts < 2)} of the {len(classes)} classes have a "
                f"single example (such as {classes[counts < 2].tolist()[0]!r}), too few to "
                "stratify the dev split. Set task = 'regression' in [dataset] if they are "
                "values to predict, or task = 'classification' to split without stratifying."
            )
    X_tr, X_dev, y_tr, y_dev = train_test_split(
        X, y, test_size=dev_fraction, random_state=split_seed, stratify=stratify
    )
    return X_tr, y_tr, X_dev, y_dev


def _whole_labels(y: np.ndarray) -> bool:
    """Whether ``task = "auto"`` reads ``y`` as class labels: 1-D whole numbers or strings."""
    if y.ndim != 1 or y.dtype.kind not in "biuf":
        return y.ndim == 1
    return bool(np.all(y == np.round(y)))


def _read_file(path: Path) -> tuple[np.ndarray, np.ndarray, tuple | None]:
    if not path.is_file():
        raise FileNotFoundError(f"[dataset] path {str(path)!r} does not exist")
    if path.suffix == ".npz":
        arrays = _read_npz(path)
        keys = set(arrays)
        if {"X_train", "y_train"} <= keys:
            dev = None
            if {"X_dev", "y_dev"} <= keys:
                dev = _oriented_pair(arrays["X_dev"], arrays["y_dev"], path, "X_dev")
            return (*_oriented_pair(arrays["X_train"], arrays["y_train"], path, "X_train"), dev)
        if {"X", "y"} <= keys:
            return (*_oriented_pair(arrays["X"], arrays["y"], path, "X"), None)
        raise DataError(
            f"{path} must hold X_train and y_train (or X and y); it has {sorted(keys)}."
        )
    if path.suffix == ".csv":
        from ..data import load_csv

        ds = load_csv(path)  # names the file, line and column of anything unreadable
        return ds.X_train, ds.y_train, None
    raise DataError(f"[dataset] path must end in .npz or .csv; got {path.name!r}.")


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """The arrays of an .npz archive, with errors that name the file (never pickles)."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head != b"PK\x03\x04":
        raise DataError(
            f"[dataset] path '{path}' is not an .npz archive (it does not start with the zip "
            "signature); save one with numpy.savez(path, X=X, y=y)."
        )
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {k: archive[k] for k in archive.files}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise DataError(
            f"[dataset] path '{path}' could not be read as an .npz archive "
            f"({type(exc).__name__}: {exc})."
        ) from exc


def _oriented_pair(X: np.ndarray, y: np.ndarray, path: Path, name: str) -> tuple[Any, Any]:
    """X as (m, n_features): a course-style (n_features, m) X is transposed, as
    :func:`trainwell.data.load_npz` does (a 1-D or (m, 1) y fixes m)."""
    y = np.asarray(y)
    if y.ndim == 2 and 1 in y.shape:
        y = y.ravel()
    m = y.shape[0]
    X = np.asarray(X)
    if X.ndim == 2 and X.shape[0] != m and X.shape[1] == m:
        X = X.T
    if X.ndim != 2 or X.shape[0] != m:
        raise DataError(
            f"[dataset] path '{path}': {name} has shape {X.shape} but there are {m} labels."
        )
    return X, y


def resolve_scheduler(args: Any, search: dict[str, Any]) -> tuple[str | None, str]:
    """The scheduler address and where it came from: --scheduler > [search] > environment.

    ``--workers`` given on the command line beats a scheduler from the TOML or the
    environment (a flag beats a file); both flags together are an error.
    """
    import os

    from .dask_pool import check_address

    if args.scheduler is not None:
        if args.workers is not None:
            raise InvalidParameterError(
                "Give either --workers (local processes) or --scheduler (a Dask cluster), not "
                f"both. Got --workers {args.workers}."
            )
        return check_address(args.scheduler, "--scheduler"), "--scheduler"
    if args.workers is not None:
        return None, "--workers"
    if search.get("scheduler"):
        return search["scheduler"], "[search] scheduler"
    env = os.environ.get("DASK_SCHEDULER_ADDRESS")
    if env:
        return check_address(env, "DASK_SCHEDULER_ADDRESS"), "DASK_SCHEDULER_ADDRESS"
    return None, "default"


def _progress_mode(args: Any) -> Any:
    """A bar on a terminal's stderr; a line every 30 s when stdout is a log; or none."""
    if args.no_progress:
        return False
    if sys.stderr.isatty():
        return "bar"
    return "log" if not sys.stdout.isatty() else False


def run_tune(args: Any) -> int:
    """Body of ``trainwell tune``; returns the exit status (0 when a trial succeeded).

    With ``args.json`` true (``--json``) the results go to stdout as JSON and everything
    else (table, notes, progress lines) to stderr; ``args.json_out`` also writes them.
    """
    if getattr(args, "json", False) is True:
        import contextlib

        stdout = sys.stdout
        with contextlib.redirect_stdout(sys.stderr):
            return _run_tune(args, stdout)
    return _run_tune(args, None)


def _run_tune(args: Any, json_stream: Any) -> int:
    from .journal import Journal, JournalLockedError
    from .objective import NetworkObjective, encode_labels
    from .search import grid_search, random_search

    config = load_config(args.config)
    search = config["search"]
    scheduler, source = resolve_scheduler(args, search)
    workers = 1 if args.workers is None else args.workers
    n_jobs = None if scheduler is not None else workers
    out = Path(args.out or f"{Path(args.config).stem}-tune")
    check_output(out, "--out", folder=True)  # before any trial: a path it cannot write
    check_output(args.json_out, "--json-out", folder=False)
    check_output(args.journal, "--journal", folder=False)
    if args.journal is not None:  # before any work: a file that is not a journal, or one
        try:  # that another search holds, is refused
            Journal(args.journal).lock().unlock()
        except JournalLockedError as exc:
            print(f"trainwell tune: error: {exc}", file=sys.stderr)
            return 2
    X_tr, y_tr, X_dev, y_dev = load_dataset(config["dataset"])
    task = config["dataset"].get("task", "auto")
    if task == "classification":
        _, y_tr, y_dev = encode_labels(y_tr, y_dev)  # 0..C-1: binary or softmax
    try:
        objective = NetworkObjective(
            X_tr,
            y_tr,
            X_dev,
            y_dev,
            fixed=config["fixed"],
            loss="mse" if task == "regression" else None,
            metric=search["metric"],
            random_state=search["fixed_seed"],
            engine=getattr(args, "engine", None) or search["engine"],
        )
    except InvalidParameterError as exc:
        raise InvalidParameterError(f"[fixed]: {exc}") from None
    where = (
        f"the Dask cluster at {scheduler} (from {source})"
        if scheduler is not None
        else f"{workers} local worker(s)"
    )
    print(
        f"Tuning on {len(y_tr)} training / {len(y_dev)} dev examples; {search['method']} "
        f"search on {where}.",
        flush=True,
    )
    common = {
        "random_state": search["random_state"],
        "direction": search["direction"],
        "n_jobs": n_jobs,
        "scheduler": scheduler,
        "journal": args.journal,
        "progress": _progress_mode(args),
        "retries": search["retries"],
        "timeout": search["timeout"],
        "retry_failed": args.retry_failed,
        **pruner_options(search),
    }
    try:
        if search["method"] == "grid":
            result = grid_search(objective, config["space"], search["n_points"], **common)
        else:
            result = random_search(
                objective,
                config["space"],
                search["n_trials"],
                rounds=search["rounds"],
                keep=search["keep"],
                margin=search["margin"],
                quorum=search["quorum"],
                **common,
            )
    except (ImportError, OSError, JournalLockedError) as exc:  # no dask, no scheduler there
        print(f"trainwell tune: error: {exc}", file=sys.stderr)
        return 2
    _report(result, config, args, json_stream)
    return 0 if result.best_trial is not None else 1


def _report(result: Any, config: dict[str, Any], args: Any, json_stream: Any = None) -> None:
    from .plots import plot_curves, plot_importance, plot_search, plot_zoom

    print()
    if result.reused:
        print(
            f"Reused {result.reused} trials from the journal {args.journal}; ran "
            f"{len(result.trials) - result.reused}."
        )
    if result.dashboard_link and not _progress_mode(args):  # else printed at the start
        print(f"Dask dashboard: {result.dashboard_link}")
    print(result.format_table(top=MAX_ROWS))
    if len(result.trials) > MAX_ROWS:
        more = len(result.trials) - MAX_ROWS
        print(
            f"... {more} more trials"
            + (f" (all of them in {args.json_out})." if args.json_out else ".")
        )
    print()
    if result.best_trial is None:
        print("Every trial failed; see the errors above.")
    else:
        print(f"Best dev score {result.best_score:.4g} with {result.best_config}")
    report = None
    try:
        report = result.importance(method=config["search"]["importance"])
        print()
        print(report.format())
    except DataError as exc:
        print(f"No importance report: {exc}")
    out = Path(args.out or f"{Path(args.config).stem}-tune")  # checked by run_tune
    written = [out / "search.png", out / "curves.png"]
    plot_search(result, written[0])
    plot_curves(result, path=written[1])
    if report is not None:
        written.append(out / "importance.png")
        plot_importance(report, written[-1])
    numeric = [n for n in result.space if result.space[n].numeric]
    if len(result.rounds) > 1 and len(numeric) >= 2:
        written.append(out / "zoom.png")
        plot_zoom(result, numeric[0], numeric[1], written[-1])
    print(f"\nPlots: {', '.join(str(p) for p in written)}")
    if args.json_out or json_stream is not None:
        data = {
            "config": str(Path(args.config).resolve()),
            "result": result.to_dict(),
            "importance": None if report is None else report.to_dict(),
        }
        text = json.dumps(data, indent=1, allow_nan=False)
        if args.json_out:
            write_atomic(args.json_out, text)
            print(f"Results: {args.json_out}")
        if json_stream is not None:
            print(text, file=json_stream)
