"""as_id: ids from forms, URLs and JSON; anything else is NO_ID (finds no row)."""

import pytest

from kasane.core.ids import NO_ID, as_id


@pytest.mark.parametrize("value,expected", [
    (7, 7), ("42", 42), (" 5 ", 5), ("４２", 42), (None, NO_ID), ("", NO_ID), ("abc", NO_ID),
    ("-3", NO_ID), (-3, NO_ID), (0, NO_ID), (True, NO_ID), ("1e3", NO_ID),
])
def test_it_reads_positive_integer_ids_only(value, expected) -> None:
    assert as_id(value) == expected


def test_ids_beyond_64_bits_are_no_id() -> None:
    from kasane.core.ids import MAX_ID, NO_ID, as_id

    assert as_id(MAX_ID) == MAX_ID and as_id(str(MAX_ID)) == MAX_ID
    assert as_id(MAX_ID + 1) == NO_ID and as_id("99999999999999999999") == NO_ID
