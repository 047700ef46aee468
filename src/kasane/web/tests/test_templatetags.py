"""The date and number filters of screens (docs/ui.md「日付」「数」)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kasane.web.templatetags import kasane as filters


def test_it_formats_dates_by_context() -> None:
    at = timezone.make_aware(dt.datetime(2026, 12, 9, 14, 0))
    assert filters.wareki_date(at) == "令和8年12月9日"
    assert filters.wareki_short(dt.date(2026, 12, 9)) == "R8.12.9"
    assert filters.wareki_datetime(at) == "令和8年12月9日 14:00"
    assert filters.wareki_short_datetime(at) == "R8.12.9 14:00"
    assert filters.wareki_short_datetime(None) == ""


def test_it_shows_iso_dates_of_stored_texts_in_wareki() -> None:
    text = "地域包括 → 社協 につなぎを依頼（回答期限 2026-12-09）"
    assert filters.wareki_in_text(text) == "地域包括 → 社協 につなぎを依頼（回答期限 令和8年12月9日）"
    assert filters.wareki_in_text("電話 03-1234-5678、番号 12026-12-091") == \
        "電話 03-1234-5678、番号 12026-12-091"
    assert filters.wareki_in_text("2026-02-30") == "2026-02-30"


@pytest.mark.parametrize("value,shown", [
    (Decimal("4.00"), "4"), (Decimal("4.50"), "4.5"), (Decimal("1234.25"), "1,234.25"),
    (4, "4"), (12000, "12,000"), (None, ""), (2.0, "2"),
])
def test_it_shows_whole_numbers_without_decimals(value, shown) -> None:
    assert filters.number(value) == shown


def test_it_shows_a_figure_in_its_unit() -> None:
    assert filters.measure(Decimal("4.00"), "回") == "4回"
    assert filters.measure(Decimal("50"), "%") == "50.0%"
    assert filters.measure(None, "人") == ""
