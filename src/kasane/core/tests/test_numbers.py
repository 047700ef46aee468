from decimal import Decimal

import pytest

from kasane.core.numbers import format_measure, format_number, format_rate, input_number


@pytest.mark.parametrize("value,shown", [
    (Decimal("4.00"), "4"), (Decimal("4.50"), "4.5"), (Decimal("1234.25"), "1,234.25"),
    (4, "4"), (12000, "12,000"), (None, ""), (2.0, "2"), (Decimal("100"), "100"),
    (Decimal("0.10"), "0.1"), ("—", "—"),
])
def test_it_shows_whole_counts_without_decimals(value, shown) -> None:
    assert format_number(value) == shown


def test_it_shows_rates_with_one_decimal() -> None:
    assert format_rate(Decimal("50")) == "50.0"
    assert format_rate(12.345) == "12.3" and format_rate(Decimal("12.35")) == "12.4"
    assert format_measure(Decimal("4.00"), "回") == "4回"
    assert format_measure(Decimal("50"), "%") == "50.0%"
    assert format_measure(None, "人") == ""


def test_it_puts_a_stored_number_in_an_input_as_typed() -> None:
    assert input_number(Decimal("1234.00")) == "1234" and input_number(None) == ""
