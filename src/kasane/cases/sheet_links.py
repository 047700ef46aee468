"""What a submitted sheet does to cases (``sheets.links`` handlers, registered from
``CasesConfig.ready``; docs/sheets.md "Sheets act on their links").

Every step writes through this app's services as the submitting actor, so their rules hold
(関与 required, 主担当 for plans and closures, consent for referrals):

* ``case`` — 申込票 (受付後の対応 other than 助言で終了) opens a case from the record, or — when
  the person already has an open case — waits for a 推進員 to attach the record to it;
  包括的相談支援 waits for the 推進員's decision (「この帳票からケースを開く」);
  インテーク・アセスメント becomes the case's assessment (``Case.assessment_record_id``,
  分類) — derived kind ``assessment``, id = the case.
* ``referral`` — each つなぎ先 is a draft (pending) the 推進員 or an involved organization sends
  with 「つなぎを依頼」 (``referral_create``, the person's consent naming that organization).
* ``contact`` — each アウトリーチ contact row is a Contact on the case (reached / 不在,
  method, 関係形成の段階, the record's 事業 tags); an edit of the sheet updates them.
* ``support_plan`` (+ ``involvement``) — a SupportPlan draft version; an edit updates the
  draft (an approved version is left as it is).
* ``closure`` — a closure proposal, approved by the 主担当 / 推進員 (``case_close``).

A step that needs a case uses the record's case, or the person's one open case in which the
actor's organization is involved (the record is then linked to it); otherwise it fails with a
message and can be retried once the case exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kasane.accounts.models import Role
from kasane.core.wareki import format_wareki
from kasane.people.models import Purpose
from kasane.people.selectors import consent_current_for
from kasane.sheets import links, person_binding
from kasane.sheets.links import Link, Outcome, Step
from kasane.sheets.models import DerivationStatus, SheetDerivation

from . import services
from .models import OPEN_STATUSES, Case, CaseEvent, EventKind, PlanStatus, Stage, Status

LIVE_STATUSES = (*OPEN_STATUSES, Status.WATCHING)
NO_CASE = ("この帳票はケースに結び付いていません。ケースの画面から記入するか、"
           "本人のケースを開始してから再実行してください。")
INTAKE_CODES = ("intake_application", "intake_application_no_consent")
PENDING, DONE = DerivationStatus.PENDING, DerivationStatus.DONE


def _case_url(case_id: int, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case_id]) + (f"#{anchor}" if anchor else "")


def _sheet_url(link: Link) -> str:
    return reverse("sheets:detail", args=[link.record.pk])


def _open_cases(person_id: int, municipality_id: int) -> Any:
    return Case.objects.filter(municipality_id=municipality_id, subjects__person_id=person_id,
                               status__in=LIVE_STATUSES).distinct().order_by("-opened_at")


def _case_for(link: Link) -> Case:
    """The record's case, or the person's one live case the actor's organization is involved
    in (the record is linked to it); else a ValidationError (retry once the case exists)."""
    record = link.record
    if record.case_id is not None:
        case = Case.objects.filter(pk=record.case_id, municipality_id=record.municipality_id).first()
        if case is None:
            raise ValidationError(NO_CASE)
        return case
    if record.person_id is None:
        raise ValidationError(NO_CASE)
    found = list(_open_cases(record.person_id, record.municipality_id).filter(
        involvements__organization_id=link.actor.organization_id,
        involvements__ended_on__isnull=True)[:2])
    if len(found) != 1:
        raise ValidationError(NO_CASE if not found else
                              "この本人には関与中のケースが複数あります。ケースの画面から記入してください。")
    person_binding.link_record_case(actor=link.actor, record=record, case_id=found[0].pk)
    return found[0]


def _link_event(case: Case, link: Link, **match: Any) -> None:
    """The timeline entry just written for ``match`` links back to the sheet."""
    event = CaseEvent.objects.filter(case=case, **match).order_by("-pk").first()
    if event is not None and not event.link:
        CaseEvent.objects.filter(pk=event.pk).update(link=_sheet_url(link))


# --- case / assessment ---------------------------------------------------------------------

def _case_done(case_id: int) -> Outcome:
    return Outcome(object_id=case_id, label=f"ケース#{case_id}", url=_case_url(case_id))


def _run_case(link: Link, prev: SheetDerivation | None) -> Outcome:
    record, actor = link.record, link.actor
    if record.case_id is not None:
        case = Case.objects.filter(pk=record.case_id,
                                   municipality_id=record.municipality_id).first()
        if case is not None:  # an edit of the 相談受付票 updates the case's 課題の分類
            services.case_problems_from_record(actor=actor, case=case, record=record)
        return _case_done(record.case_id)
    if record.person_id is None:
        return Outcome(status=PENDING, label="ケース", url=reverse("cases:from_record", args=[record.pk]),
                       message="本人に結び付けると、この帳票からケースを開始できます。")
    existing = _open_cases(record.person_id, record.municipality_id).first()
    if existing is not None:
        if link.confirming("case"):
            if actor.role != Role.COORDINATOR:
                raise PermissionDenied("既存のケースへの結び付けを確認できるのは推進員です。")
            person_binding.link_record_case(actor=actor, record=record, case_id=existing.pk)
            services.event(existing, actor, EventKind.SHEET,
                           f"帳票を追加：{record.definition.title} #{record.pk}",
                           link=_sheet_url(link))
            return _case_done(existing.pk)
        return Outcome(status=PENDING, label="ケース",
                       action="進行中のケースに結び付ける",
                       message="この本人には進行中のケースがあります。推進員が確認すると、"
                               "この帳票をそのケースに結び付けます。")
    if record.definition.code in INTAKE_CODES and actor.role != Role.LIAISON:
        case = services.case_open_from_record(actor=actor, record=record, rederive=False,
                                              **_prefill(record))
        return _case_done(case.pk)
    return Outcome(status=PENDING, label="ケース", url=reverse("cases:from_record", args=[record.pk]),
                   message="推進員が多機関協働の要否を判断し、この帳票からケースを開始します。")


def _prefill(record: Any) -> dict[str, Any]:
    initial = services.prefill(record)
    return {"summary": initial["summary"] or record.definition.title, "triage": initial["triage"],
            "tags": initial["tags"]}


def _run_assessment(link: Link, prev: SheetDerivation | None) -> Outcome:
    record, actor = link.record, link.actor
    case = _case_for(link)
    services.case_assessment_set(actor=actor, case=case, record_id=record.pk,
                                 triage=str(record.answers.get("triage") or ""),
                                 title=f"{record.definition.title} #{record.pk}",
                                 link=_sheet_url(link))
    return Outcome(object_id=case.pk, label="アセスメント", url=_case_url(case.pk))


def case_steps(link: Link) -> list[Step]:
    code = link.record.definition.code
    if code == "intake_assessment":
        return [Step("assessment", "assessment", "problems", _run_assessment)]
    if code in INTAKE_CODES:
        if link.answers.get("disposition") == "advice" and link.record.case_id is None:
            return []
        return [Step("case", "case", "disposition", _run_case)]
    if code == "comprehensive_consultation":
        # 自機関で終了・継続: the agency handles it alone; otherwise the 推進員 decides
        if link.answers.get("own_action") in ("resolved", "continuing") and link.record.case_id is None:
            return []
        return [Step("case", "case", "problems", _run_case)]
    return []


# --- referral drafts -----------------------------------------------------------------------

def _org_name(org_id: int) -> str:
    from kasane.accounts.models import Organization

    org = Organization.objects.filter(pk=org_id).only("name").first()
    return org.name if org else f"機関#{org_id}"


def _referral_run(org_id: int, reason_key: str) -> Any:
    def run(link: Link, prev: SheetDerivation | None) -> Outcome:
        name = _org_name(org_id)
        if prev is not None and prev.status == DONE and prev.object_id:
            return Outcome(object_id=prev.object_id, label=prev.label, url=prev.url)
        key = f"referral:{org_id}"
        if link.record.case_id is None:
            return Outcome(status=PENDING, label=f"つなぎ（{name}）の下書き",
                           message="ケースが開始されると、つなぎの下書きになります。")
        case = _case_for(link)
        if not link.confirming(key):
            return Outcome(status=PENDING, label=f"つなぎ（{name}）の下書き",
                           action="つなぎを依頼", url=_case_url(case.pk),
                           message=f"{name} へのつなぎの下書きです。推進員または関与機関が確認して依頼します。")
        consent = None
        person = next((s.person for s in case.subjects.select_related("person")
                       if s.person_id == link.record.person_id), None)
        if person is not None:
            from kasane.accounts.models import Organization

            consent = consent_current_for(person, Organization.objects.get(pk=org_id),
                                          Purpose.INFORMATION_SHARING)
        reason = str(link.answers.get(reason_key) or "").strip() or \
            f"{link.record.definition.title} #{link.record.pk} より"
        referral = services.referral_create(actor=link.actor, case=case, to_org_id=org_id,
                                            reason=reason[:2000],
                                            consent_id=consent.pk if consent else None)
        _link_event(case, link, referral=referral)
        return Outcome(object_id=referral.pk, label=f"つなぎ（{name}）",
                       url=_case_url(case.pk, f"referral-{referral.pk}"))
    return run


def referral_steps(link: Link) -> list[Step]:
    code = link.record.definition.code
    if code in INTAKE_CODES:
        field, reason_key = "referred_to", "request_detail"
    elif code == "comprehensive_consultation":
        if link.answers.get("own_action") not in ("joint", "refer"):
            return []
        field, reason_key = "partner_orgs", "summary"
    else:
        return []
    ids = [int(i) for i in (link.answers.get(field) or []) if str(i).isdigit()]
    return [Step(f"referral:{org_id}", "referral", field, _referral_run(org_id, reason_key))
            for org_id in dict.fromkeys(ids)]


# --- contacts ------------------------------------------------------------------------------

NOT_REACHED = {"absent": "不在", "no_answer": "応答なし", "refused": "拒否", "family_only": "家族のみ"}
MET_WHOM = {"self": "本人", "family": "家族", "neighbor": "近隣", "other": "その他"}


def _contact_data(link: Link, row: dict[str, Any]) -> dict[str, Any]:
    at = dt.datetime.fromisoformat(str(row.get("at")))
    reached = bool(row.get("reached"))
    summary = str(row.get("summary") or "").strip()
    whom = MET_WHOM.get(str(row.get("met_whom") or ""))
    if reached and whom:
        summary = f"（会えた相手: {whom}）{summary}"
    next_on = row.get("next_on")
    stage = str(row.get("relationship_stage") or "")
    return {"at": timezone.make_aware(at) if timezone.is_naive(at) else at,
            "method": row.get("method"), "reached": reached,
            "not_reached_reason": "" if reached else NOT_REACHED.get(
                str(row.get("not_reached_reason") or ""), str(row.get("not_reached_reason") or "")),
            "stage": stage if stage in Stage.values else "", "summary": summary, "minutes": None,
            "tags": list(link.record.tags), "next_action": str(row.get("next_step") or "").strip(),
            "next_due_on": dt.date.fromisoformat(str(next_on)) if next_on else None}


def _contact_run(index: int) -> Any:
    def run(link: Link, prev: SheetDerivation | None) -> Outcome:
        row = (link.answers.get("contacts") or [])[index]
        case = _case_for(link)
        data = _contact_data(link, row)
        if prev is not None and prev.object_id:
            contact = case.contacts.filter(pk=prev.object_id).first()
            if contact is not None:
                services.contact_update(actor=link.actor, contact=contact, data=data,
                                        expected_version=None)
                return Outcome(object_id=contact.pk, label="支援記録",
                               url=_case_url(case.pk, f"contact-{contact.pk}"))
        contact = services.contact_record(actor=link.actor, case=case, data=data)
        _link_event(case, link, contact=contact)
        return Outcome(object_id=contact.pk, label="支援記録",
                       url=_case_url(case.pk, f"contact-{contact.pk}"))
    return run


def contact_steps(link: Link) -> list[Step]:
    if link.record.definition.code != "outreach":
        return []
    rows = link.answers.get("contacts") or []
    return [Step(f"contact:{i}", "contact", f"contacts.{i}", _contact_run(i))
            for i in range(len(rows))]


# --- support plan --------------------------------------------------------------------------

def _plan_values(link: Link) -> dict[str, Any]:
    a = link.answers
    goals = [str(r.get("goal") or "") for r in a.get("goals") or []]
    tasks = [{"org_id": r.get("org"), "task": str(r.get("support") or ""),
              "frequency": str(r.get("frequency") or "")} for r in a.get("roles") or []]
    review = a.get("review_on")
    return {"goals": goals, "tasks": tasks, "lead_org_id": a.get("lead_org"),
            "lead_user_id": a.get("lead_person"),
            "review_on": dt.date.fromisoformat(str(review)) if review else None}


def _run_plan(link: Link, prev: SheetDerivation | None) -> Outcome:
    case = _case_for(link)
    values = _plan_values(link)
    plan = case.plans.filter(pk=prev.object_id).first() if prev and prev.object_id else None
    if plan is not None and plan.status != PlanStatus.DRAFT:
        return Outcome(object_id=plan.pk, label=f"プラン第{plan.version}版",
                       url=_case_url(case.pk, f"plan-{plan.pk}"),
                       message="承認済みの版は変更していません。変更は支援プランの新しい版で行います。")
    if plan is not None:
        plan = services.plan_update(actor=link.actor, plan=plan, expected_version=None, **values)
    else:
        plan = services.plan_create(actor=link.actor, case=case, **values)
        _link_event(case, link, plan=plan)
    return Outcome(object_id=plan.pk, label=f"プラン第{plan.version}版（案）",
                   url=_case_url(case.pk, f"plan-{plan.pk}"))


def plan_steps(link: Link) -> list[Step]:
    if link.record.definition.code != "support_plan":
        return []
    return [Step("support_plan", "support_plan", "goals", _run_plan)]


# --- closure -------------------------------------------------------------------------------

def _run_closure(link: Link, prev: SheetDerivation | None) -> Outcome:
    a = link.answers
    case = _case_for(link)
    if prev is not None and prev.status == DONE and prev.object_id:
        return Outcome(object_id=prev.object_id, label=prev.label, url=prev.url)
    if case.status == Status.CLOSED:
        raise ValidationError("このケースは既に終結しています。")
    closed_on = dt.date.fromisoformat(str(a.get("closed_on")))
    reason = str(a.get("reason") or "")
    if not link.confirming("closure"):
        return Outcome(status=PENDING, object_id=None, label="終結の提案", url=_case_url(case.pk),
                       action="終結を承認",
                       message=f"終結の提案（{format_wareki(closed_on)}）です。主担当機関の職員"
                               "または推進員が承認すると、ケースを終結します。")
    evaluation = "\n".join(str(a.get(k) or "").strip() for k in ("changes", "process")
                           if str(a.get(k) or "").strip())
    next_check = a.get("next_check_on")
    closure = services.case_close(
        actor=link.actor, case=case, reason=reason, evaluation=evaluation,
        watch=a.get("follow_up") == "watching", closed_on=closed_on,
        watch_org_id=a.get("watch_org"), watch_method=str(a.get("watch_method") or ""),
        next_check_on=dt.date.fromisoformat(str(next_check)) if next_check else None)
    _link_event(case, link, kind=EventKind.CLOSED)
    return Outcome(object_id=closure.pk, label="終結", url=_case_url(case.pk))


def closure_steps(link: Link) -> list[Step]:
    if link.record.definition.code != "closure_evaluation":
        return []
    return [Step("closure", "closure", "closed_on", _run_closure)]


links.register(links.LinkHandler("case", case_steps))
links.register(links.LinkHandler("referral", referral_steps))
links.register(links.LinkHandler("contact", contact_steps))
links.register(links.LinkHandler("support_plan", plan_steps, covers=("involvement",)))
links.register(links.LinkHandler("closure", closure_steps))

