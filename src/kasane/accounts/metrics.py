"""Figures over accounts records (staff, organizations) in the core metric registry; each app
registers its own from its ``metrics`` module, imported by its ``AppConfig.ready()``."""

from __future__ import annotations

from typing import Any

from kasane.core.metrics import register

from .models import Membership, Organization, Role


@register(key="staff.coordinators", label="相談支援包括化推進員 配置数", unit="人",
          national_id="P0-1",
          description="「相談支援包括化推進員」の有効な所属を持つ利用者の数（同じ人が複数の機関に"
                      "所属していても1人）。所属の履歴はまだ記録していないため、年度末ではなく"
                      "現在の配置を数えます（報告書の版に固定されます）。")
def staff_coordinators(municipality: Any, fiscal_year: int) -> int:
    return (Membership.objects.filter(
        organization__municipality=municipality, role=Role.COORDINATOR, is_active=True,
        user__is_active=True)
        .values("user_id").distinct().count())


@register(key="organizations.active", label="支援関係機関数（登録機関）", unit="か所",
          national_id="P0-2",
          description="有効な組織の数（部署・社協・委託事業所・関係機関・民間団体、条件 kind で絞込み）。"
                      "関与・つなぎの記録ができた後は「年度内に関与のあった機関」に置き換わる暫定値。",
          filters=("kind",))
def organizations_active(municipality: Any, fiscal_year: int, kind: str | None = None) -> int:
    qs = Organization.objects.filter(municipality=municipality, is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.count()
