"""The report of ``trainwell reproduce``: results.json, report.md, index.html and PNGs.

``index.html`` is self-contained: its CSS is inline and every figure is embedded as a
base64 PNG data URI, so it opens in any browser, offline, from anywhere. ``report.md``
shows the same content with links to the PNG files written beside it. ``results.json``
holds only the experiments' numbers (no timings), so the same command writes the same
bytes run after run. A ``--quick`` run (fewer iterations) says so in every file: a
``"quick"`` entry at the top of results.json and a banner in report.md and index.html.
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["jsonable", "render_html", "render_markdown", "results_json", "write_report"]

_CSS = """
:root { --ink:#1f2933; --muted:#5f6b7a; --line:#e4e7eb; --accent:#1f6fb4; --bg:#f7f8fa; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); line-height:1.5;
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { background:linear-gradient(120deg,#163e63,#1f6fb4); color:white; padding:28px 0; }
.wrap { max-width:1120px; margin:0 auto; padding:0 24px; }
header h1 { margin:0 0 6px; font-size:28px; }
header p { margin:2px 0; opacity:.9; }
code { background:rgba(127,127,127,.15); padding:1px 5px; border-radius:4px; font-size:90%; }
nav { margin:18px 0 0; display:flex; flex-wrap:wrap; gap:6px; }
nav a { color:white; background:rgba(255,255,255,.15); padding:3px 10px; border-radius:12px;
  text-decoration:none; font-size:14px; }
section { background:white; border:1px solid var(--line); border-radius:10px;
  padding:20px 26px; margin:22px 0; box-shadow:0 1px 2px rgba(0,0,0,.04); }
h2 { margin:0 0 4px; font-size:22px; }
h2 .num { color:var(--muted); font-weight:normal; margin-right:6px; }
.time { color:var(--muted); font-size:14px; }
.finding { border-left:4px solid var(--accent); background:#eef5fb; padding:10px 14px;
  margin:14px 0; border-radius:0 6px 6px 0; }
table { border-collapse:collapse; margin:10px 0 18px; font-size:14px; }
caption { caption-side:top; text-align:left; color:var(--muted); padding-bottom:4px; }
th, td { border-bottom:1px solid var(--line); padding:5px 12px; text-align:left; }
th { background:#f0f2f5; font-weight:600; }
tr:nth-child(even) td { background:#fafbfc; }
td.num { text-align:right; font-variant-numeric:tabular-nums; }
figure { margin:16px 0; }
figure img { max-width:100%; height:auto; border:1px solid var(--line); border-radius:6px; }
figcaption { color:var(--muted); font-size:13px; }
.quick { background:#fff4d6; border:2px solid #e8a50a; border-radius:8px; padding:10px 16px;
  margin:18px 0 0; font-weight:600; color:#5c3d00; }
ul.notes { color:#3e4c59; font-size:14px; padding-left:20px; }
footer { color:var(--muted); font-size:13px; padding:10px 0 40px; }
"""

# Marks the page once every image has decoded, so a headless browser can check them.
_SCRIPT = """
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute('data-images-total', String(imgs.length));
  document.body.setAttribute('data-images-loaded', String(ok));
});
"""


def jsonable(value: Any) -> Any:
    """Plain JSON data: numpy scalars to Python, tuples to lists, NaN/inf to None.

    Examples
    --------
    >>> import numpy as np
    >>> jsonable({"a": np.float64(0.5), "b": (1, float("inf")), 3: np.int64(2)})
    {'a': 0.5, 'b': [1, None], '3': 2}
    """
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return jsonable(value.tolist())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


#: The key of results.json's marker of a ``--quick`` run (never an experiment's name).
QUICK_KEY = "quick"


def results_json(results: Sequence[Any], quick: float | None = None) -> str:
    """``results.json``: one object keyed by experiment name, in the order run.

    With ``quick`` (the ``Settings.scale`` of a ``--quick`` run) it opens with a
    ``"quick"`` entry saying that these are not the course's numbers.

    Examples
    --------
    >>> list(json.loads(results_json([], quick=0.1))["quick"])
    ['scale', 'note']
    """
    data: dict[str, Any] = {}
    if quick is not None:
        data[QUICK_KEY] = {
            "scale": quick,
            "note": "a quick look (trainwell reproduce --quick): fewer iterations than the "
            "course's; these are not the course's numbers",
        }
    data.update((r.name, jsonable(r.results)) for r in results)
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def _quick_note(meta: Mapping[str, Any]) -> str:
    quick = meta.get("quick")
    if quick is None:
        return ""
    return (
        f"Quick look (--quick): the long experiments ran {quick:.0%} of the course's "
        "iterations. These are not the course's numbers; run without --quick for them."
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _is_number(text: str) -> bool:
    try:
        float(text.rstrip("%"))
    except ValueError:
        return False
    return True


def _html_table(caption: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for value in row:
            text = _cell(value)
            cls = ' class="num"' if _is_number(text) else ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _md_table(caption: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    out = [f"*{caption}*", "", line(list(columns)), line(["---"] * len(columns))]
    out += [line([_cell(v) for v in row]) for row in rows]
    return "\n".join(out)


def summary_table(results: Sequence[Any]) -> tuple[list[str], list[list[Any]]]:
    """Columns and rows of the run's summary: one row per variant (or check)."""
    from .course import pct

    columns = ["experiment", "variant", "train acc", "test acc", "final cost", "time"]
    rows: list[list[Any]] = []
    for r in results:
        for i, s in enumerate(r.summary or [{"variant": ""}]):
            cost = s.get("cost")
            rows.append(
                [
                    r.name if i == 0 else "",
                    s.get("variant", ""),
                    pct(s.get("train")),
                    pct(s.get("test")),
                    "" if cost is None else f"{cost:.4g}",
                    f"{r.seconds:.1f} s" if i == 0 else "",
                ]
            )
    return columns, rows


def render_html(
    results: Sequence[Any], images: Mapping[str, bytes], meta: Mapping[str, Any]
) -> str:
    """The self-contained page: inline CSS, figures as base64 data URIs.

    Parameters
    ----------
    results : sequence of ExperimentResult
    images : mapping of figure stem to PNG bytes
    meta : mapping
        ``command``, ``total_seconds``, ``versions`` (str) for the header.
    """
    esc = html.escape
    nav = "".join(f'<a href="#{esc(r.name)}">{esc(r.name)}</a>' for r in results)
    columns, rows = summary_table(results)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>trainwell reproduce: Improving Deep Neural Networks</title>",
        f"<style>{_CSS}</style><script>{_SCRIPT}</script></head><body>",
        '<header><div class="wrap"><h1>Improving Deep Neural Networks, reproduced</h1>',
        "<p>The course's experiments (hyperparameter tuning, regularization and "
        "optimization), rerun with trainwell.</p>",
        f"<p><code>{esc(meta.get('command', 'trainwell reproduce'))}</code> &middot; "
        f"{meta.get('total_seconds', 0.0):.1f} s &middot; {esc(meta.get('versions', ''))}</p>",
        f"<nav>{nav}</nav></div></header>",
        '<main class="wrap">',
        *(
            [f'<p class="quick" id="quick">{esc(_quick_note(meta))}</p>']
            if _quick_note(meta)
            else []
        ),
        '<section id="summary"><h2>Summary</h2>',
        _html_table(
            "Accuracy and final cost of every trained variant; the other experiments in a line.",
            columns,
            rows,
        ),
        "</section>",
    ]
    for k, r in enumerate(results, start=1):
        parts.append(
            f'<section id="{esc(r.name)}"><h2><span class="num">{k}.</span>'
            f'{esc(r.title)}</h2><div class="time"><code>{esc(r.name)}</code> '
            f"&middot; {r.seconds:.1f} s</div>"
        )
        parts.append(f'<p class="finding">{esc(r.finding)}</p>')
        parts += [_html_table(t.caption, t.columns, t.rows) for t in r.tables]
        for stem in r.figures:
            data = base64.b64encode(images[stem]).decode("ascii")
            parts.append(
                f'<figure><img src="data:image/png;base64,{data}" '
                f'alt="{esc(stem)}"><figcaption>{esc(stem)}.png</figcaption></figure>'
            )
        if r.notes:
            parts.append(
                '<ul class="notes">' + "".join(f"<li>{esc(n)}</li>" for n in r.notes) + "</ul>"
            )
        parts.append("</section>")
    parts.append(
        "<footer>Numbers in <code>results.json</code>; figures also as PNG files "
        "beside this page; <code>report.md</code> for a text view.</footer>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def render_markdown(results: Sequence[Any], meta: Mapping[str, Any]) -> str:
    """``report.md``: the same sections, with the PNG files linked."""
    columns, rows = summary_table(results)
    out = [
        "# Improving Deep Neural Networks, reproduced",
        "",
        f"`{meta.get('command', 'trainwell reproduce')}` ({meta.get('total_seconds', 0.0):.1f}"
        f" s; {meta.get('versions', '')})",
        "",
        *([f"> **{_quick_note(meta)}**", ""] if _quick_note(meta) else []),
        "## Summary",
        "",
        _md_table("Accuracy and final cost of every trained variant.", columns, rows),
        "",
    ]
    for k, r in enumerate(results, start=1):
        out += [
            f"## {k}. {r.title}",
            "",
            f"`{r.name}`, {r.seconds:.1f} s",
            "",
            f"> {r.finding}",
            "",
        ]
        for t in r.tables:
            out += [_md_table(t.caption, t.columns, t.rows), ""]
        out += [f"![{stem}]({stem}.png)\n" for stem in r.figures]
        out += [f"- {n}" for n in r.notes]
        out.append("")
    return "\n".join(out)


def write_report(
    results: Sequence[Any],
    out_dir: str | Path,
    *,
    json_path: str | Path | None = None,
    meta: Mapping[str, Any] | None = None,
) -> dict[str, Path]:
    """Write the PNG figures, results.json, report.md and index.html into ``out_dir``.

    Parameters
    ----------
    results : sequence of ExperimentResult
    out_dir : str or Path
        Created if needed.
    json_path : str or Path, optional
        Also write results.json there.
    meta : mapping, optional
        ``command``, ``total_seconds`` and ``versions`` for the headers; ``quick``, the
        scale of a ``--quick`` run (None otherwise), for its marks in every file.

    Returns
    -------
    dict of str to Path
        ``index``, ``markdown``, ``results`` (and ``json`` when ``json_path`` is given).
    """
    from ._files import write_atomic
    from .plots import to_png

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = dict(meta or {})
    paths = report_paths(out, json_path)
    figures = {stem: fig for r in results for stem, fig in r.figures.items()}
    check_report_targets(out, json_path, [f"{stem}.png" for stem in figures])
    text = results_json(results, meta.get("quick"))
    write_atomic(paths["results"], text)  # first: it marks the folder as a report's
    images = {}
    for stem, fig in figures.items():
        images[stem] = fig if isinstance(fig, bytes) else to_png(fig)  # drawn by a worker
        write_atomic(out / f"{stem}.png", images[stem])
    write_atomic(paths["markdown"], render_markdown(results, meta))
    write_atomic(paths["index"], render_html(results, images, meta))
    if json_path is not None:
        write_atomic(paths["json"], text)
    return paths


def report_paths(out_dir: str | Path, json_path: str | Path | None = None) -> dict[str, Path]:
    """The files :func:`write_report` writes besides the figures."""
    out = Path(out_dir)
    paths = {
        "results": out / "results.json",
        "markdown": out / "report.md",
        "index": out / "index.html",
    }
    if json_path is not None:
        paths["json"] = Path(json_path)
    return paths


def is_report_file(path: str | Path) -> bool:
    """Whether ``path`` is a file a report wrote, judged by its content: results JSON
    keyed by experiment names, a page or markdown naming ``trainwell reproduce``, or a
    figure beside such a results.json. Only these may be overwritten by a new report.

    Examples
    --------
    >>> import tempfile
    >>> notes = Path(tempfile.mkdtemp()) / "index.html"
    >>> _ = notes.write_text("<h1>my own page</h1>")
    >>> is_report_file(notes)
    False
    """
    from .course import EXPERIMENTS

    p = Path(path)
    if p.suffix == ".png":
        return p.name != "results.json" and is_report_file(p.with_name("results.json"))
    if not p.is_file():
        return False
    if p.suffix == ".json":
        if p.stat().st_size > 256 * 2**20:
            return False
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError):
            return False
        names = set(EXPERIMENTS) | {QUICK_KEY}
        return isinstance(data, dict) and bool(data) and set(data) <= names
    with open(p, "rb") as fh:
        return b"trainwell reproduce" in fh.read(4096)


def check_report_targets(
    out_dir: str | Path, json_path: str | Path | None = None, figures: Sequence[str] = ()
) -> None:
    """Refuse (``FileExistsError``) before any work if a file the report would write
    exists and a report did not write it (see :func:`is_report_file`)."""
    from ._files import refuse_foreign

    out = Path(out_dir)
    for key, path in report_paths(out, json_path).items():
        refuse_foreign(path, "--json-out" if key == "json" else "--out", is_report_file)
    for name in figures:
        refuse_foreign(out / name, "--out", is_report_file)
