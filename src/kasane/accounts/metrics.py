"""Figures over accounts records (staff, organizations) in the core metric registry; each app
registers its own from its ``metrics`` module, imported by its ``AppConfig.ready()``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q

from kasane.core.metrics import Period, register, register_ranged

from .models import Membership, MembershipPeriod, Organization, Role


def coordinators_on(municipality: Any, day: dt.date) -> int:
    """Users holding ``coordinator`` in force on ``day`` (by the membership history; a
    membership without history counts while active from its creation date)."""
    in_force = MembershipPeriod.objects.filter(
        membership_id=OuterRef("pk"), started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day))
    has_history = MembershipPeriod.objects.filter(membership_id=OuterRef("pk"))
    no_history = Q(is_active=True, created_at__date__lte=day) & ~Exists(has_history)
    return (Membership.objects.filter(organization__municipality=municipality,
                                      role=Role.COORDINATOR)
            .filter(Exists(in_force) | no_history)
            .values("user_id").distinct().count())


@register_ranged(key="staff.coordinators", label="相談支援包括化推進員 配置数", unit="人",
                 national_id="P0-1", owner="accounts",
                 description="期間の最終日（年度なら3月31日）に「相談支援包括化推進員」の所属が"
                             "有効だった利用者の数（同じ人が複数の機関に所属していても1人）。"
                             "所属の履歴（開始日・終了日）から数えるので過去の年度も当時の人数です。"
                             "常勤・非常勤の区別はまだ記録していません。")
def staff_coordinators(municipality: Any, period: Period) -> int:
    return coordinators_on(municipality, period.end)


@register(key="organizations.active", label="登録機関数", unit="か所",
          description="有効な組織の数（部署・社協・委託事業所・関係機関・民間団体、条件 kind で絞込み）。"
                      "国への報告の支援関係機関数（P0-2）は「年度内に関与のあった機関」"
                      "（organizations.involved）です。",
          filters=("kind",))
def organizations_active(municipality: Any, fiscal_year: int, kind: str | None = None) -> int:
    qs = Organization.objects.filter(municipality=municipality, is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.count()
