import pytest
from django.core.exceptions import ValidationError

from kasane.accounts.validators import (
    local_government_check_digit,
    validate_local_government_code,
    validate_unit_code,
)


@pytest.mark.parametrize("code", ["131016", "011002", "271004", "139998", "472018"])
def test_it_accepts_real_codes(code: str) -> None:
    validate_local_government_code(code)


def test_it_computes_the_check_digit() -> None:
    assert local_government_check_digit("13101") == 6  # 千代田区
    assert local_government_check_digit("01100") == 2  # 札幌市
    assert local_government_check_digit("13999") == 8


@pytest.mark.parametrize(("code", "message"), [
    ("131017", "検査数字"),
    ("13101", "6桁"),
    ("１３１０１６", "6桁"),
    ("abcdef", "6桁"),
    ("481000", "都道府県"),
    ("001007", "都道府県"),
])
def test_it_refuses_bad_codes_in_japanese(code: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_local_government_code(code)
    assert message in exc.value.messages[0]


@pytest.mark.parametrize("code", ["", "共生", " 共", "ab"])
def test_it_refuses_unit_codes_not_one_character(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_unit_code(code)


def test_it_accepts_a_one_character_unit_code() -> None:
    validate_unit_code("共")
