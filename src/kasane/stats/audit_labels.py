"""Labels of the audit codes stats writes (registered in ``audit.labels``)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import ModelReportText

register(
    area="統計",
    actions={"stats.model_report.save": "モデル事業報告の記入"},
    objects={"stats.ModelReportText": "モデル事業報告の記入"},
    models=[ModelReportText],
)
