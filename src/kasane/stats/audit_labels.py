"""Labels of the audit codes stats writes (registered in ``audit.labels``)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import (
    ModelReportText,
    NationalReportConfirmation,
    NationalReportEdition,
    NationalReportManualValue,
    NationalReportTransition,
)

register(
    area="統計",
    actions={"stats.model_report.save": "モデル事業報告の記入",
             "stats.national.transition": "国への報告の段階の移動",
             "stats.national.confirm": "国への報告の機関確認",
             "stats.national.manual": "国への報告の手入力値",
             "stats.national.export": "国への報告の出力",
             "stats.model_report.export": "モデル事業報告の出力"},
    objects={"stats.ModelReportText": "モデル事業報告の記入",
             "stats.NationalReportEdition": "国への報告（年度の版）",
             "stats.NationalReportConfirmation": "国への報告の機関確認",
             "stats.NationalReportManualValue": "国への報告の手入力値"},
    models=[ModelReportText, NationalReportEdition, NationalReportConfirmation,
            NationalReportManualValue, NationalReportTransition],
)
