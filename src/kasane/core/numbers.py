"""Numbers on screens and in reports (docs/ui.md「数」): whole counts without decimals
(「目標 4回」, never 「4.00回」), decimals only when the value has them, thousands separated;
rates (%) with one decimal. The API and CSV keep the stored values."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

RATE_UNITS = frozenset({"%", "％"})


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def format_number(value: Any) -> str:
    """4 / 4.5 / 1,234.25 / 12,000; empty for no value; anything else as it is."""
    d = _decimal(value)
    if d is None:
        return "" if value is None else str(value)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


def format_rate(value: Any) -> str:
    """A percentage with one decimal: 50.0, 12.3 (half up); empty for no value."""
    d = _decimal(value)
    if d is None:
        return "" if value is None else str(value)
    return f"{d.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,f}"


def format_measure(value: Any, unit: str = "") -> str:
    """A figure in its unit: 「4回」, 「1,200人」, 「50.0%」 (empty for no value)."""
    text = format_rate(value) if unit in RATE_UNITS else format_number(value)
    return f"{text}{unit}" if text else ""


def input_number(value: Any) -> str:
    """A stored number as an input shows it: 「4」 for 4.00, 「4.5」 (no thousands separator,
    so it parses back as typed)."""
    return format_number(value).replace(",", "")
