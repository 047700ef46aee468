"""Template filters: 和暦/西暦 dates (docs/ui.md「日付」: 令和8年12月9日 in prose, R8.12.9 in
tables, 14:00 for times), 年度, numbers, the error summary; the page panels tag."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from kasane.core import wareki
from kasane.core.forms import error_summary as _error_summary
from kasane.core.numbers import format_measure, format_number
from kasane.core.panels import render_panels

register = template.Library()


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    return None


@register.filter
def wareki_date(value: object) -> str:
    """令和6年4月1日 (empty for no date)."""
    d = _as_date(value)
    return wareki.format_wareki(d) if d else ""


@register.filter
def wareki_short(value: object) -> str:
    """R6.4.1"""
    d = _as_date(value)
    return wareki.format_wareki(d, style="short") if d else ""


@register.filter
def both_date(value: object) -> str:
    """令和6年4月1日（2024年） — what offices expect beside forms."""
    d = _as_date(value)
    return f"{wareki.format_wareki(d)}（{d.year}年）" if d else ""


@register.filter
def wareki_datetime(value: object) -> str:
    """令和6年4月1日 14:05"""
    if not isinstance(value, dt.datetime):
        return wareki_date(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{wareki.format_wareki(local.date())} {local:%H:%M}"


@register.filter
def wareki_short_datetime(value: object) -> str:
    """R6.4.1 14:05 — the compact style of tables and lists (docs/ui.md「日付」)."""
    if not isinstance(value, dt.datetime):
        return wareki_short(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return wareki.format_wareki_datetime(local, "short")


_ISO_IN_TEXT = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


@register.filter
def wareki_in_text(value: object) -> str:
    """A stored text with ISO dates in it (a case timeline entry written before dates were
    stored in 和暦) shown with 令和6年4月1日 instead of 2024-04-01; autoescaped as usual."""
    def one(m: re.Match[str]) -> str:
        try:
            return wareki.format_wareki(dt.date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            return m[0]

    return _ISO_IN_TEXT.sub(one, str(value or ""))


@register.filter
def fiscal_year_label(value: object) -> str:
    """令和6年度 for a date, or for a fiscal year number."""
    if isinstance(value, int):
        return wareki.fiscal_year_label(value)
    d = _as_date(value)
    return wareki.fiscal_year_label(wareki.fiscal_year(d)) if d else ""


@register.filter
def number(value: object) -> str:
    """4 (never 4.00), 4.5, 1,234 — whole counts without decimals (``core.numbers``)."""
    return format_number(value)


@register.filter
def measure(value: object, unit: str = "") -> str:
    """A figure in its unit: 4回, 1,200人, 50.0% (rates with one decimal)."""
    return format_measure(value, str(unit or ""))


@register.filter
def error_summary(form: Any) -> list[dict[str, str]]:
    """Every error of a form as 「ラベル: メッセージ」 with the id of its field (``core.forms``)."""
    return _error_summary(form) if form is not None and hasattr(form, "errors") else []


@register.simple_tag(takes_context=True)
def panels(context: Any, page: str, obj: Any) -> SafeString:
    """``{% panels "people.person" person %}``: the panels apps added to that page
    (``core.panels``); each is HTML rendered from its own autoescaped template."""
    return mark_safe(render_panels(page, context.get("request"), obj))  # noqa: S308
