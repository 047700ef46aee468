"""PDCA's own figures in the stats registry (DESIGN.md §8)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kasane.core.metrics import MetricUnavailable, register

from .models import AnnualTarget


def _targets(municipality: Any, fiscal_year: int) -> Any:
    return AnnualTarget.objects.filter(business__plan__municipality=municipality,
                                       fiscal_year=fiscal_year, withdrawn=False,
                                       business__repost_of__isnull=True)


@register(key="pdca.targets.count", label="PDCA 年次目標数", unit="件",
          description="当該年度の年次目標の数（取下げを除く。再掲の事業は1回だけ数える）。")
def targets_count(municipality: Any, fiscal_year: int) -> int:
    return _targets(municipality, fiscal_year).count()


@register(key="pdca.targets.achieved_rate", label="PDCA 年次目標の達成率", unit="%",
          description="当該年度の年次目標のうち「達成」とされたものの割合（取下げを除く、"
                      "小数第1位に四捨五入）。目標がなければ算出できません。")
def targets_achieved_rate(municipality: Any, fiscal_year: int) -> Decimal:
    qs = _targets(municipality, fiscal_year)
    total = qs.count()
    if total == 0:
        raise MetricUnavailable("この年度の年次目標がありません。")
    achieved = qs.filter(achieved=True).count()
    return (Decimal(achieved) * 100 / Decimal(total)).quantize(Decimal("0.1"),
                                                               rounding=ROUND_HALF_UP)
