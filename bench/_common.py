"""Shared helpers for ``./kasane bench NAME``: argument parsing and the JSON-line printer.

Every benchmark module has ``main(argv: list[str]) -> int``. With ``--json`` it prints one
JSON object per measured figure (DESIGN.md §9)::

    {"bench": "match", "metric": "f1", "value": 0.99, "unit": "ratio",
     "baseline": 0.97, "ratio": 1.02, "scale": 20000}

``value`` is Kasane's figure, ``baseline`` the reference (Splink, a bare SQL query …) or
null, ``ratio`` = value / baseline (null without a baseline or when it is 0).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO


def parse_args(argv: Sequence[str], defaults: Mapping[str, Any] | None = None, *,
               extra: Sequence[tuple[str, Callable[[str], Any], Any]] = (), flags: Sequence[str] = (),
               description: str = "") -> argparse.Namespace:
    """Parse ``--scale N``, ``--json``, ``--seed S`` (+ ``extra`` options and boolean ``flags``).

    ``defaults`` may set "scale" and "seed". ``extra`` = (option, type or parsing function, default) triples,
    ``flags`` = store_true options such as ``--no-splink``.
    """
    defaults = dict(defaults or {})
    p = argparse.ArgumentParser(prog="./kasane bench", description=description)
    p.add_argument("--scale", type=_positive_int, default=defaults.get("scale", 1000),
                   help="規模（人数など）")
    p.add_argument("--json", action="store_true", help="1 行 1 指標の JSON で出力")
    p.add_argument("--seed", type=int, default=defaults.get("seed", 1), help="乱数の種")
    for option, kind, default in extra:
        p.add_argument(option, type=kind, default=default)
    for flag in flags:
        p.add_argument(flag, action="store_true")
    return p.parse_args(list(argv))


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"整数を指定してください: {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError("1 以上を指定してください")
    return value


def emit(bench: str, metric: str, value: float, unit: str, baseline: float | None = None,
         extra: Mapping[str, Any] | None = None, *, out: TextIO | None = None) -> dict[str, Any]:
    """Print one JSON line (DESIGN.md §9) and return the object. ``extra`` adds keys (scale …)."""
    ratio = None
    if baseline is not None and baseline != 0:
        ratio = round(value / baseline, 4)
    obj: dict[str, Any] = {"bench": bench, "metric": metric, "value": value, "unit": unit,
                           "baseline": baseline, "ratio": ratio}
    obj.update(extra or {})
    print(json.dumps(obj, ensure_ascii=False), file=out or sys.stdout, flush=True)
    return obj


def print_table(header: Sequence[str], rows: Sequence[Sequence[Any]], *,
                out: TextIO | None = None) -> None:
    """A plain aligned text table for the human-readable (non --json) output."""
    cells = [[str(c) for c in header]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(header))]
    stream = out or sys.stdout
    for k, row in enumerate(cells):
        print("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)),
              file=stream)
        if k == 0:
            print("  ".join("-" * w for w in widths), file=stream)


def _fmt(c: Any) -> str:
    if c is None:
        return "—"
    if isinstance(c, float):
        return f"{c:.4f}" if abs(c) < 10 else f"{c:.1f}"
    return str(c)


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile (0–100) of ``values``; 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]
