"""The tenant a directory command works on: ``--municipality CODE``, or the only one."""

from __future__ import annotations

from django.core.management.base import CommandError

from kasane.accounts.models import Municipality


def municipality(code: str | None) -> Municipality:
    if code:
        found = Municipality.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"地方公共団体コード {code} の自治体が登録されていません。")
        return found
    all_ = list(Municipality.objects.order_by("code")[:2])
    if len(all_) != 1:
        raise CommandError("自治体が一つではありません。--municipality で地方公共団体コードを"
                           "指定してください。")
    return all_[0]
