"""Validators for codes the municipal world uses."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def local_government_check_digit(first_five: str) -> int:
    """Check digit of a 全国地方公共団体コード (総務省 rule, modulus 11, weights 6..2)."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def validate_local_government_code(value: str) -> None:
    """A 6-digit 全国地方公共団体コード whose last digit is the check digit."""
    if not (isinstance(value, str) and len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError("地方公共団体コードは半角数字6桁で入力してください。", code="format")
    if int(value[:2]) not in range(1, 48):
        raise ValidationError("地方公共団体コードの都道府県部分（先頭2桁）が正しくありません。",
                              code="prefecture")
    if local_government_check_digit(value[:5]) != int(value[5]):
        raise ValidationError("地方公共団体コードの検査数字（6桁目）が一致しません。", code="check_digit")


def validate_unit_code(value: str) -> None:
    """A 担当課 code is exactly one character (e.g. 共, 高, 障)."""
    if not isinstance(value, str) or len(value.strip()) != 1 or value != value.strip():
        raise ValidationError("担当課コードは1文字で入力してください。", code="unit_code")
