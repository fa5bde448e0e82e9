"""The TOML schema of ``trainwell tune``: every table and key, its default, its meaning.

:data:`SCHEMA` is the one source of what ``trainwell tune --help`` prints, what
``docs/tuning.md`` documents and what :func:`load_config` accepts; an unknown key gets
the nearest known one as a suggestion ("did you mean ...?").

Examples
--------
>>> suggest("n_trails", SEARCH_DEFAULTS)
" (did you mean 'n_trials'?)"
>>> print(describe_schema().splitlines()[0])
[dataset]  the data: exactly one of name / path
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .._validation import InstanceOf, Interval, Options, validate_params
from ..exceptions import InvalidParameterError

__all__ = ["SCHEMA", "SEARCH_DEFAULTS", "describe_schema", "load_config", "suggest"]

_NONE = "(none)"

#: table -> (its summary, [(key, default, meaning), ...]); a default of _NONE: absent.
SCHEMA: dict[str, tuple[str, list[tuple[str, Any, str]]]] = {
    "dataset": ("the data: exactly one of name / path", [
        ("name", _NONE, 'a trainwell.data loader ("moons", "circles", ...); other keys go to it'),
        ("path", _NONE, ".npz (X_train, y_train [, X_dev, y_dev] or X, y) or .csv; relative "
                        "to the TOML file"),
        ("dev_fraction", 0.25, "dev set held out of the training data"),
        ("split_seed", 0, "seed of the train/dev split"),
        ("task", "auto", '"auto", "classification" or "regression"'),
    ]),
    "fixed": ("NetworkObjective settings every trial shares (any [space] name)", [
        ("learning_rate", 0.01, "α"),
        ("optimizer", "adam", '"gd", "momentum", "rmsprop", "adam"'),
        ("beta", 0.9, "momentum's β"),
        ("beta1", 0.9, "Adam's β1"),
        ("beta2", 0.999, "RMSprop's and Adam's β2"),
        ("epsilon", 1e-8, "RMSprop's and Adam's ε"),
        ("hidden_units", 10, "units per hidden layer, or a list of widths"),
        ("layers", 1, "hidden layers of hidden_units each"),
        ("activation", "relu", "hidden activation"),
        ("init", "he", "weight initializer"),
        ("batch_size", 64, 'mini-batch size, or "full"'),
        ("epochs", 100, "epochs per trial (the most, with patience or a pruner)"),
        ("l2", 0.0, "L2 regularization λ"),
        ("keep_prob", 1.0, "dropout keep probability after each hidden layer"),
        ("decay_rate", 0.0, "α = α0 / (1 + decay_rate · epoch)"),
        ("patience", _NONE, "early stopping: epochs without a better dev cost"),
        ("restore_best", True, "with patience: keep the weights of the best epoch"),
        ("normalize_inputs", False, "standardize X with the training part's mean and std"),
    ]),
    "search": ("how the search runs", [
        ("method", "random", '"random" or "grid"'),
        ("n_trials", 20, "trials per round (random)"),
        ("rounds", 1, "coarse-to-fine rounds"),
        ("keep", 0.25, "fraction of a round's best trials the next box spans"),
        ("margin", 0.1, "how far the next box is widened, in the dimension's scale"),
        ("quorum", 1.0, "fraction of a round in before the next starts (< 1: timing decides)"),
        ("n_points", 5, "grid points per dimension (grid)"),
        ("random_state", 0, "seed of the sampling and of every trial"),
        ("engine", "auto", 'where and how trials train: "auto", "numpy", "numba", "cupy", '
                           '"torch", ... (--engine beats it)'),
        ("direction", "maximize", '"maximize" or "minimize" the dev score'),
        ("metric", "score", '"score" (accuracy or R²) or "neg_cost" (minus the dev cost)'),
        ("fixed_seed", _NONE, "one seed for every trial (common random numbers)"),
        ("importance", "variance", 'importance method: "variance" or "forest"'),
        ("pruner", "none", '"none", "asha" (successive halving) or "median"'),
        ("min_epochs", 1, 'asha: the first rung, in epochs'),
        ("reduction_factor", 3, "asha: η, each rung keeps the best 1/η"),
        ("warmup_epochs", 1, "median: no pruning before this many epochs"),
        ("min_trials", 5, "median: trials needed at an epoch before pruning"),
        ("retries", 1, "reruns of a trial that raised, lost its worker or timed out"),
        ("timeout", _NONE, "seconds a trial may run"),
        ("scheduler", _NONE, 'a Dask scheduler "tcp://host:8786" (--scheduler > this > '
                             "DASK_SCHEDULER_ADDRESS)"),
    ]),
    "space": ("the searched names: name = { dist = ..., low/high or values }", [
        ("dist", _NONE, '"log_uniform", "one_minus_log_uniform", "uniform", "int_uniform", '
                        '"int_log_uniform" (low, high) or "choice" (values)'),
    ]),
}  # fmt: skip

SEARCH_DEFAULTS: dict[str, Any] = {
    key: (None if default == _NONE else default) for key, default, _ in SCHEMA["search"][1]
}
SEARCH_RULES: dict[str, list[Any]] = {
    "method": [Options({"random", "grid"})],
    "n_trials": [Interval("int", 1, None)],
    "rounds": [Interval("int", 1, None)],
    "keep": [Interval("real", 0, 1, closed="right")],
    "margin": [Interval("real", 0, None, closed="neither")],
    "quorum": [Interval("real", 0, 1, closed="right")],
    "random_state": [Interval("int", 0, 2**32 - 1)],
    "engine": [InstanceOf((str,), "an engine name such as 'auto' or 'cupy'")],
    "direction": [Options({"maximize", "minimize"})],
    "n_points": [Interval("int", 1, None)],
    "importance": [Options({"variance", "forest"})],
    "metric": [Options({"score", "neg_cost"})],
    "fixed_seed": [None, Interval("int", 0, 2**32 - 1)],
    "pruner": [Options({"none", "asha", "median"})],
    "min_epochs": [Interval("int", 1, None)],
    "reduction_factor": [Interval("int", 2, None)],
    "warmup_epochs": [Interval("int", 0, None)],
    "min_trials": [Interval("int", 1, None)],
    "retries": [Interval("int", 0, None)],
    "timeout": [None, Interval("real", 0, None, closed="neither")],
}
PRUNER_KEYS = {
    "asha": ("min_epochs", "reduction_factor"),
    "median": ("warmup_epochs", "min_trials"),
}


def suggest(key: str, known: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for the known name nearest ``key``, or ``""``."""
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown(keys: Iterable[str], known: Iterable[str], where: str, path: Path) -> None:
    known = list(known)
    bad = sorted(set(keys) - set(known))
    if bad:
        hints = "".join(suggest(k, known) for k in bad)
        raise InvalidParameterError(
            f"{path}: unknown key(s) {bad} in [{where}]{hints}; known: {', '.join(known)}."
        )


def toml_literal(value: Any) -> str:
    """``value`` as written in TOML (``true``, ``"adam"``, ``0.25``), or ``(none)``."""
    if value == _NONE:
        return _NONE
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def describe_schema(width: int = 100) -> str:
    """Every table and key with its default, as ``trainwell tune --help`` prints it."""
    import textwrap

    lines = []
    for table, (summary, keys) in SCHEMA.items():
        lines.append(f"[{table}]  {summary}")
        for key, default, meaning in keys:
            head = f"  {key:<17}{toml_literal(default):<11}"
            lines.extend(
                textwrap.wrap(
                    meaning, width, initial_indent=head, subsequent_indent=" " * len(head)
                )
            )
    return "\n".join(lines)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    if not path.is_file():
        raise FileNotFoundError(f"config file {str(path)!r} does not exist")
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidParameterError(f"{path} is not valid TOML: {exc}") from None


def load_config(path: str | Path) -> dict[str, Any]:
    """Read and check a tune config; every error names the offending key.

    Returns ``{"dataset": {...}, "fixed": {...}, "search": {...}, "space": SearchSpace}``
    with the search defaults filled in (a key that is absent and has no default is None).
    """
    from .objective import NETWORK_DEFAULTS
    from .space import SearchSpace

    path = Path(path)
    raw = _read_toml(path)
    tables = [t for t in SCHEMA]
    bad = sorted(set(raw) - set(tables))
    if bad:
        hints = "".join(suggest(k, tables) for k in bad)
        raise InvalidParameterError(
            f"{path}: unknown table(s) {bad}{hints}; expected [dataset], [fixed], [search], "
            "[space]."
        )
    for table in ("dataset", "space"):
        if not isinstance(raw.get(table), dict) or not raw[table]:
            raise InvalidParameterError(f"{path}: the [{table}] table is missing or empty.")
    search = dict(raw.get("search", {}))
    if "backend" in search:  # the deprecated name of engine (numpy: fit's choice, "auto")
        backend = search.pop("backend")
        new = "auto" if backend == "numpy" else backend
        warnings.warn(
            f"{path}: [search] backend is deprecated and goes away in the next release; "
            f"write engine = {toml_literal(new)}.",
            DeprecationWarning,
            stacklevel=2,
        )
        if search.setdefault("engine", new) != new:
            raise InvalidParameterError(f"{path}: [search] has backend and engine; keep engine.")
    _unknown(search, SEARCH_DEFAULTS, "search", path)
    pruner = search.get("pruner", "none")
    for name, keys in PRUNER_KEYS.items():
        given = sorted(set(keys) & set(search))
        if given and pruner != name:
            raise InvalidParameterError(
                f"{path}: {given} in [search] apply to pruner = {name!r}, but pruner is {pruner!r}."
            )
    search = {**SEARCH_DEFAULTS, **search}
    validate_params(SEARCH_RULES, search, f"[search] in {path.name}")
    if search["scheduler"] is not None:
        from .dask_pool import check_address

        check_address(search["scheduler"], f"[search] scheduler in {path.name}")
    fixed = dict(raw.get("fixed", {}))
    _unknown(fixed, NETWORK_DEFAULTS, "fixed", path)
    _unknown(raw["space"], NETWORK_DEFAULTS, "space", path)
    both = sorted(set(fixed) & set(raw["space"]))
    if both:
        raise InvalidParameterError(f"{path}: {both} in both [fixed] and [space]; keep one.")
    dataset = dict(raw["dataset"])
    if ("name" in dataset) == ("path" in dataset):
        raise InvalidParameterError(
            f"{path}: [dataset] needs exactly one of 'name' (a trainwell.data loader) or "
            "'path' (an .npz or .csv file)."
        )
    if "path" in dataset:
        dataset["path"] = str((path.parent / dataset["path"]).resolve())
    return {
        "dataset": dataset,
        "fixed": fixed,
        "search": search,
        "space": SearchSpace(raw["space"]),
    }


def pruner_options(search: dict[str, Any]) -> dict[str, Any]:
    """The ``pruner`` keyword of the search functions from a ``[search]`` table."""
    name = search["pruner"]
    if name == "none":
        return {"pruner": None}
    from .pruners import make_pruner

    return {"pruner": make_pruner(name, **{k: search[k] for k in PRUNER_KEYS[name]})}
