"""Labels of the audit codes pdca writes (``pdca.<action>``; registered in ``audit.labels``)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import (
    AnnualTarget,
    CommitteeOpinion,
    CycleTransition,
    Edition,
    Evaluation,
    PdcaCycle,
    Plan,
    PlanLevel,
    PlanNode,
    ProgressPair,
)

register(
    area="PDCA",
    actions={
        "pdca.target.result": "年次目標の実績の入力", "pdca.target.save": "年次目標の登録・変更",
        "pdca.progress.save": "Do・Act の記入", "pdca.progress.delete": "Do・Act の削除",
        "pdca.grade.override": "評価の変更", "pdca.opinion.add": "委員会意見の登録",
        "pdca.opinion.respond": "委員会意見への対応", "pdca.cycle.transition": "段階の変更",
        "pdca.edition.create": "報告書の新しい版（正誤）", "pdca.export.pdf": "報告書の出力（PDF）",
        "pdca.export.xlsx": "報告書の出力（Excel）", "pdca.plan.import": "計画の取り込み",
        "pdca.cycle.create": "進捗管理の年度の作成", "pdca.node.save": "施策・事業の登録・変更",
        "pdca.node.move": "施策・事業の並べ替え", "pdca.unit.save": "担当課の登録・変更",
        "pdca.plan.layout": "計画の印刷設定・評価の段階", "pdca.plan.create": "計画の登録", "pdca.cycle.texts": "報告書の序章・奥付",
        "pdca.target.metric": "年次目標の実績（統計から）",
    },
    objects={"pdca.ProgressPair": "Do・Act", "pdca.CycleTransition": "段階の変更",
             "pdca.Edition": "報告書の版"},
    models=[Plan, PlanLevel, PlanNode, AnnualTarget, ProgressPair, Evaluation,
            CommitteeOpinion, PdcaCycle, CycleTransition, Edition],
)
