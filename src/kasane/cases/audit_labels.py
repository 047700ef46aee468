"""Labels of the audit codes cases writes: ``case.<action>`` from ``cases.policy`` and the
sheet reads of opening a case from a sheet (registered in ``audit.labels`` at start-up)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import (
    Case,
    CaseEvent,
    CaseGrant,
    CaseProblem,
    CaseSubject,
    Closure,
    Contact,
    Involvement,
    Monitoring,
    Referral,
    SupportPlan,
)

register(
    area="ケース",
    actions={
        "case.view": "ケースの閲覧", "case.list": "ケースの一覧表示",
        "case.update": "ケース情報の変更", "case.status": "ケースの状態の変更",
        "case.refer": "他機関へのつなぎ", "case.contact": "支援記録の記入・変更",
        "case.plan": "支援プランの作成・変更", "case.close": "ケースの終結",
        "case.involvement": "関与の終了",
        "sheet_record_case_open": "帳票からケースを開く",
        "sheet_record_bind": "帳票の本人を登録済みの本人と結び付け",
    },
    objects={"cases.Case": "ケース", "cases.CaseSubject": "ケースの本人",
             "cases.Involvement": "関与", "cases.Monitoring": "モニタリング",
             "cases.CaseEvent": "ケースの経過"},
    models=[Case, CaseSubject, Involvement, CaseGrant, Referral, Contact, SupportPlan,
            Monitoring, Closure, CaseEvent, CaseProblem],
)
