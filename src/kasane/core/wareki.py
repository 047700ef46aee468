"""和暦 (Japanese era) dates: parsing what people type, formatting, and 年度 (fiscal years).

Dates are proleptic Gregorian throughout: 明治5年 (1872) and earlier are *not* converted from
the old lunisolar calendar; 明治 starts on its Gregorian 改元 day, 1868-10-23.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ERAS",
    "Era",
    "WarekiError",
    "era_of",
    "fiscal_year",
    "fiscal_year_label",
    "fiscal_year_range",
    "format_both",
    "format_wareki",
    "format_wareki_datetime",
    "format_wareki_year",
    "parse_date",
    "parse_partial_birth",
]


class WarekiError(ValueError):
    """A date the user typed cannot be accepted; ``str(err)`` is a Japanese message to show."""


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    letter: str  # R
    start: dt.date  # first day (改元日)
    end: dt.date | None  # last day; None for the current era

    def year_of(self, d: dt.date) -> int:
        """Era year of ``d`` (1 for 元年)."""
        return d.year - self.start.year + 1

    def contains(self, d: dt.date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)


ERAS: tuple[Era, ...] = (
    Era("明治", "M", dt.date(1868, 10, 23), dt.date(1912, 7, 29)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("令和", "R", dt.date(2019, 5, 1), None),
)
"""Oldest first. Add a new era by closing the last one's ``end`` and appending."""

_ERA_BY_TOKEN: dict[str, Era] = {}
for _era in ERAS:
    _ERA_BY_TOKEN[_era.name] = _era
    _ERA_BY_TOKEN[_era.name[0]] = _era  # 明/大/昭/平/令 as on some paper forms
    _ERA_BY_TOKEN[_era.letter] = _era

MSG_EMPTY = "日付を入力してください"
MSG_FORMAT = "日付の形式が正しくありません（例: 2024-04-01、令和6年4月1日、R6.4.1）"
MSG_YEAR_ZERO = "0年という年はありません（和暦の最初の年は「元年」、つまり1年です）"
MSG_SEIREKI_YEAR_ZERO = "0年という年はありません（西暦は1年からです）"


def era_of(d: dt.date) -> Era | None:
    """The era in force on ``d``, or None before 明治 (1868-10-23)."""
    for era in reversed(ERAS):
        if d >= era.start:
            return era
    return None


# ---------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------


def _era_year_text(year: int) -> str:
    return "元" if year == 1 else str(year)


def format_wareki(d: dt.date, style: Literal["long", "short"] = "long") -> str:
    """``令和6年4月1日`` (long; year 1 is ``元年``) or ``R6.4.1`` (short).

    Dates before 明治 have no era here and are returned in 西暦 instead (``1850年1月1日`` /
    ``1850.1.1``) so that a stray old date never breaks a page.
    """
    if style not in ("long", "short"):
        raise ValueError(f"unknown style: {style!r}")
    if isinstance(d, dt.datetime):
        d = d.date()  # the date part as given (callers convert aware values to local time)
    era = era_of(d)
    if style == "short":
        prefix = f"{era.letter}{era.year_of(d)}" if era else str(d.year)
        return f"{prefix}.{d.month}.{d.day}"
    if era is None:
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{era.name}{_era_year_text(era.year_of(d))}年{d.month}月{d.day}日"


def format_wareki_datetime(local: dt.datetime, style: Literal["long", "short"] = "long") -> str:
    """``令和6年4月1日 14:05`` (long) or ``R6.4.1 14:05`` (short) of a datetime already in
    local time (callers convert aware values with ``timezone.localtime``)."""
    return f"{format_wareki(local.date(), style)} {local:%H:%M}"


def format_wareki_year(d: dt.date) -> str:
    """``令和6年`` / ``令和元年`` for ``d`` (``1850年`` before 明治)."""
    era = era_of(d)
    if era is None:
        return f"{d.year}年"
    return f"{era.name}{_era_year_text(era.year_of(d))}年"


def format_both(d: dt.date) -> str:
    """``令和6年4月1日（2024年）`` — 和暦 first, 西暦 year beside it, as offices expect."""
    return f"{format_wareki(d)}（{d.year}年）"


# ---------------------------------------------------------------------------
# fiscal years (年度, April–March)
# ---------------------------------------------------------------------------


def fiscal_year(d: dt.date) -> int:
    """The 年度 containing ``d``: 2024-04-01 … 2025-03-31 are all 2024."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_range(fy: int) -> tuple[dt.date, dt.date]:
    """First and last day (both inclusive) of 年度 ``fy``: (fy-04-01, fy+1-03-31)."""
    return dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31)


def fiscal_year_label(fy: int) -> str:
    """``令和6年度`` for 2024.

    The era is the one in force at the end of calendar year ``fy`` (the usual convention):
    2019 → 令和元年度, 1989 → 平成元年度, 1988 → 昭和63年度. Before 明治: ``1850年度``.
    """
    era = era_of(dt.date(fy, 12, 31))
    if era is None:
        return f"{fy}年度"
    return f"{era.name}{_era_year_text(fy - era.start.year + 1)}年度"


# ---------------------------------------------------------------------------
# parsing
# ---------------------------------------------------------------------------

_SEP = r"[-/.]"
_ERA_TOKEN = "明治|大正|昭和|平成|令和|[明大昭平令MTSHR]"
_YEAR_SEP = rf"(?:年|{_SEP})"
_MONTH_SEP = rf"(?:月|{_SEP})"

_SEIREKI_RE = re.compile(rf"(\d{{4}}){_YEAR_SEP}(\d{{1,2}}){_MONTH_SEP}(\d{{1,2}})日?")
_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_WAREKI_RE = re.compile(
    rf"({_ERA_TOKEN})(\d{{1,4}}|元){_YEAR_SEP}(\d{{1,2}}){_MONTH_SEP}(\d{{1,2}})日?"
)
_PARTIAL_WAREKI_RE = re.compile(
    rf"({_ERA_TOKEN})(\d{{1,4}}|元)(?:{_YEAR_SEP}(?:(\d{{1,2}})(?:月|{_SEP})?)?)?"
)
_PARTIAL_SEIREKI_RE = re.compile(rf"(\d{{4}})(?:年|{_YEAR_SEP}(\d{{1,2}})月?)")


def _clean(text: str) -> str:
    """NFKC (full-width digits/letters, ㍻ → 平成, ㋿ → 令和), no whitespace, upper-case letters."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def _era_year(token: str) -> int:
    year = 1 if token == "元" else int(token)
    if year == 0:
        raise WarekiError(MSG_YEAR_ZERO)
    return year


def _build(year: int, month: int, day: int, label: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise WarekiError(f"存在しない日付です（{label}）") from None


def _check_in_era(d: dt.date, era: Era) -> None:
    if d < era.start:
        s = era.start
        raise WarekiError(
            f"{era.name}は{format_wareki(s)}（{s.year}年{s.month}月{s.day}日）からです"
        )
    if era.end is not None and d > era.end:
        e = era.end
        raise WarekiError(
            f"{era.name}は{format_wareki(e)}（{e.year}年{e.month}月{e.day}日）までです"
        )


def parse_date(text: str) -> dt.date:
    """Parse a date typed in 西暦 or 和暦; raise ``WarekiError`` with a Japanese message.

    Accepted (full-width characters and spaces anywhere are fine, letters in any case):
    ``2024-04-01``, ``2024/4/1``, ``2024.4.1``, ``2024年4月1日``, ``20240401``,
    ``令和6年4月1日``, ``令和元年5月1日``, ``R6.4.1``, ``R6/4/1``, ``r6-4-1``, ``昭50.4.1``.
    A 和暦 date must lie inside its era (``令和1年4月1日`` and ``平成32年1月1日`` are errors).
    """
    s = _clean(text)
    if not s:
        raise WarekiError(MSG_EMPTY)
    if m := _WAREKI_RE.fullmatch(s):
        era = _ERA_BY_TOKEN[m[1]]
        year = _era_year(m[2])
        month, day = int(m[3]), int(m[4])
        label = f"{era.name}{_era_year_text(year)}年{month}月{day}日"
        d = _build(era.start.year + year - 1, month, day, label)
        _check_in_era(d, era)
        return d
    if m := _SEIREKI_RE.fullmatch(s) or _COMPACT_RE.fullmatch(s):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        if year == 0:
            raise WarekiError(MSG_SEIREKI_YEAR_ZERO)
        return _build(year, month, day, f"{year}年{month}月{day}日")
    raise WarekiError(MSG_FORMAT)


def _clip(start: dt.date, end: dt.date, era: Era) -> tuple[dt.date, dt.date] | None:
    start = max(start, era.start)
    if era.end is not None:
        end = min(end, era.end)
    return (start, end) if start <= end else None


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return nxt - dt.timedelta(days=1)


def _year_or_month_range(year: int, month: int | None) -> tuple[dt.date, dt.date] | None:
    if not 1 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
        return None
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return dt.date(year, month, 1), _month_end(year, month)


def parse_partial_birth(text: str) -> tuple[dt.date, dt.date] | None:
    """Read a search query as a birth-date range (both ends inclusive), or None.

    - era + year: ``S50``, ``昭和50年`` → 1975-01-01 … 1975-12-31
    - era + year + month: ``S50.4``, ``昭和50年4月`` → 1975-04-01 … 1975-04-30
    - 西暦 year or month: ``1975年``, ``1975-04``, ``1975年4月``
    - any full date ``parse_date`` accepts (except bare digits like ``19750401``) → (d, d)

    和暦 ranges are clipped to the era (``H31`` ends 2019-04-30, ``R1`` starts 2019-05-01).
    Returns None for anything else, including bare numbers (phone or case numbers), years
    outside their era and impossible months. Never raises.
    """
    s = _clean(text)
    if not s or s.isdigit():
        return None
    if m := _PARTIAL_WAREKI_RE.fullmatch(s):
        era = _ERA_BY_TOKEN[m[1]]
        year = 1 if m[2] == "元" else int(m[2])
        if year == 0:
            return None
        rng = _year_or_month_range(era.start.year + year - 1, int(m[3]) if m[3] else None)
        return _clip(*rng, era) if rng else None
    if m := _PARTIAL_SEIREKI_RE.fullmatch(s):
        return _year_or_month_range(int(m[1]), int(m[2]) if m[2] else None)
    try:
        d = parse_date(s)
    except WarekiError:
        return None
    return d, d
