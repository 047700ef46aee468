"""The 19 problem categories (課題の分類, spec/sheets.md §1) as one vocabulary.

The codes and labels are the sheet definitions' shared choices (``_shared.json`` ``problems``,
read through ``sheets.schema``): the 相談受付票 and the case use the same list, never two.
○ = applies (``CaseProblem``), ◎ = the main one (主訴, ``is_main``; at most one per case).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from kasane.sheets.schema import shared

# Sheets whose ``problems`` answer (multi_choice_main) sets the case's categories.
SOURCE_CODES = ("intake_application", "intake_application_no_consent",
                "comprehensive_consultation")


@cache
def categories() -> tuple[tuple[str, str], ...]:
    """(code, label) in the form's order (left column, then right; その他 last)."""
    return tuple((str(code), str(label)) for code, label in shared()["choices"]["problems"])


def codes() -> tuple[str, ...]:
    return tuple(code for code, _ in categories())


def label(code: str) -> str:
    return dict(categories()).get(code, code)


def normalize(marked: Iterable[Any], main: Any) -> tuple[list[str], str]:
    """Checked (marked codes in vocabulary order, main code or "") — ValueError with a Japanese
    message for an unknown code, or a ◎ not among the ○. A lone ○ counts as ◎ (spec §1)."""
    wanted = {str(c) for c in marked or [] if str(c)}
    unknown = sorted(wanted - set(codes()))
    if unknown:
        raise ValueError(f"課題の分類「{'、'.join(unknown)}」はありません。")
    main = str(main or "")
    if main and main not in wanted:
        raise ValueError("主訴（◎）は、当てはまる分類（○）の中から選んでください。")
    ordered = [c for c in codes() if c in wanted]
    if not main and len(ordered) == 1:
        main = ordered[0]
    return ordered, main


def from_answer(value: Any) -> tuple[list[str], str] | None:
    """The (marked, main) of a sheet's ``problems`` answer, or None when it has none."""
    if not isinstance(value, dict) or not value.get("marked"):
        return None
    known = set(codes())
    marked = [c for c in value.get("marked") or [] if c in known]
    main = value.get("main") if value.get("main") in marked else ""
    return normalize(marked, main) if marked else None
