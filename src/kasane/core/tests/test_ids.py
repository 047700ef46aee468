"""as_id: ids from forms, URLs and JSON; anything else is NO_ID (finds no row)."""

import pytest

from kasane.core.ids import NO_ID, as_id


@pytest.mark.parametrize("value,expected", [
    (7, 7), ("42", 42), (" 5 ", 5), ("４２", 42), (None, NO_ID), ("", NO_ID), ("abc", NO_ID),
    ("-3", NO_ID), (-3, NO_ID), (0, NO_ID), (True, NO_ID), ("1e3", NO_ID),
])
def test_it_reads_positive_integer_ids_only(value, expected) -> None:
    assert as_id(value) == expected
