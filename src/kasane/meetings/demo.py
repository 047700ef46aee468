"""Demo meetings of 重ね市: a monthly 支援会議 and 重層的支援会議 (plus 地域ケア会議 designated as
a 支援会議), with past minutes and decisions and an upcoming agenda. Everything goes through
the services; idempotent (natural key: the body name). A case without consent (an older man
no one has seen lately) is left off the agendas for the coordinator to bring to a 支援会議."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kasane.cases import services as case_services
from kasane.cases.models import Case, PlanStatus
from kasane.people import services as people_services
from kasane.people.demo import _actor
from kasane.people.models import Person

from . import services
from .models import DecisionKind, MeetingBody, MeetingType
from .services import decision_record

SUPPORT = "重ね市 支援会議"
MULTILAYER = "重ね市 重層的支援会議"
CARE = "地域ケア会議（個別ケース）"
NO_CONSENT_SUMMARY = "近所の方から「一人暮らしの高齢男性を最近見かけない。郵便物がたまっている」と連絡。本人は以前から支援を拒否。"


def _at(days: int, hour: int = 14) -> dt.datetime:
    base = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + dt.timedelta(days=days)


def _case(summary_start: str, municipality_id: int) -> Case | None:
    return Case.objects.filter(municipality_id=municipality_id,
                               summary__startswith=summary_start).first()


def _no_consent_case(suishin: Any) -> Case:
    person = Person.objects.filter(municipality_id=suishin.organization.municipality_id,
                                   family_name="石井", given_name="義男").first()
    if person is None:
        person = people_services.person_create(actor=suishin, fields={
            "family_name": "石井", "given_name": "義男", "family_name_kana": "イシイ",
            "given_name_kana": "ヨシオ", "birth_date": dt.date(1948, 9, 21), "sex": "male",
            "postal_code": "999-0205", "address": "重ね市中町5丁目1番7号", "phone": ""})
    found = _case(NO_CONSENT_SUMMARY[:20], suishin.organization.municipality_id)
    return found or case_services.case_open(actor=suishin, person_ids=[person.pk],
                                            summary=NO_CONSENT_SUMMARY, triage="4",
                                            tags=["outreach"])


def load(data: dict[str, Any]) -> None:
    users, orgs = data["users"], data["orgs"]
    muni = orgs["fukushi"].municipality_id
    if MeetingBody.objects.filter(municipality_id=muni, name=SUPPORT).exists():
        return
    a = {name: _actor(users[name]) for name in ("suishin", "houkatsu1", "shougai", "csw")}
    suishin = a["suishin"]
    members = [users[n].pk for n in ("suishin", "csw", "houkatsu1", "shougai")]
    support = services.body_create(
        actor=suishin, name=SUPPORT, type=MeetingType.SUPPORT, review_days=30,
        legal_basis="社会福祉法第106条の6（構成員に守秘義務。本人同意のない事例も検討）",
        standing_org_ids=[orgs[k].pk for k in ("fukushi", "shakyo", "houkatsu_hokubu", "shougai_soudan")],
        standing_user_ids=members)
    multi = services.body_create(
        actor=suishin, name=MULTILAYER, type=MeetingType.MULTILAYER, review_days=30,
        legal_basis="重層的支援体制整備事業実施要綱（本人同意のうえ、プランの適切性・終結を協議）",
        standing_org_ids=[orgs[k].pk for k in ("fukushi", "shakyo")],
        standing_user_ids=[users["suishin"].pk, users["csw"].pk])
    services.body_create(
        actor=suishin, name=CARE, type=MeetingType.SUPPORT, designated_from="地域ケア会議",
        review_days=14, legal_basis="介護保険法第115条の48を支援会議として位置付け",
        organizer_id=orgs["koureifukushi"].pk, standing_org_ids=[orgs["houkatsu_hokubu"].pk])
    _no_consent_case(suishin)

    # Past 支援会議 (20 days ago): a case without consent from 社協, minutes approved
    past = services.meeting_create(actor=suishin, body=support, starts_at=_at(-20),
                                   ends_at=_at(-20, 16), place="市役所 3階 第2会議室")
    for name in ("suishin", "csw", "houkatsu1"):
        services.pledge_sign(actor=a[name], meeting=past)
    gomi = _case("近隣住民から「ごみが", muni)
    if gomi is not None:
        item = services.agenda_add(actor=a["csw"], meeting=past, case_id=gomi.pk,
                                   title="北町の集合住宅の事例",
                                   question="本人は拒否的。誰がどのように関わりを始めるか。")
        services.minutes_write(actor=suishin, item=item, text=(
            "社協CSWが民生委員と訪問。地域包括北部が介護保険の対象か確認。"
            "本人同意が得られたら重層的支援会議でプランを検討する。"))
        decision_record(actor=suishin, meeting=past, case_id=gomi.pk,
                        kind=DecisionKind.NEXT_REVIEW, review_on=timezone.localdate() + dt.timedelta(days=10),
                        text="次回の支援会議で経過を確認")
        decision_record(actor=suishin, meeting=past, case_id=gomi.pk, kind=DecisionKind.REFERRED,
                        referred_body_id=multi.pk, text="同意が得られたら重層的支援会議へ")
    services.minutes_approve(actor=suishin, meeting=past)

    # Past 重層的支援会議 (2 days ago): the 8050 son's plan 第2版 approved at the meeting
    held = services.meeting_create(actor=suishin, body=multi, starts_at=_at(-2),
                                   ends_at=_at(-2, 15), place="社協 会議室", online=True)
    for name in ("suishin", "csw"):
        services.pledge_sign(actor=a[name], meeting=held)
    son = _case("8050世帯の長男", muni)
    if son is not None:
        services.agenda_add(actor=suishin, meeting=held, case_id=son.pk, title="8050世帯の事例",
                            question="第2版のプラン（居場所の利用を追加）は適切か。")
        last = son.plans.order_by("-version").first()
        if last is not None and last.status == PlanStatus.APPROVED:
            draft = case_services.plan_create(
                actor=suishin, case=son, goals=[g["text"] for g in last.goals] + ["週1回、居場所に通う"],
                tasks=[{"org_id": t["org_id"], "task": t["task"], "frequency": t.get("frequency", "")}
                       for t in last.tasks],
                lead_org_id=last.lead_org_id, lead_user_id=last.lead_user_id,
                review_on=timezone.localdate() + dt.timedelta(days=60))
            decision_record(actor=suishin, meeting=held, case_id=son.pk,
                            kind=DecisionKind.PLAN_APPROVED, plan_id=draft.pk)
            case_services.plan_create(
                actor=suishin, case=son, goals=[g["text"] for g in last.goals] + ["就労体験を検討する"],
                tasks=[], lead_org_id=last.lead_org_id, lead_user_id=last.lead_user_id,
                review_on=timezone.localdate() + dt.timedelta(days=90))  # 第3版（案）: next meeting

    # Upcoming 支援会議 (in 7 days) with the 8050 mother's case from 地域包括北部 on the agenda
    upcoming = services.meeting_create(actor=suishin, body=support, starts_at=_at(7),
                                       ends_at=_at(7, 16), place="市役所 3階 第2会議室")
    mother = _case("80代女性。要介護1", muni)
    if mother is not None:
        services.agenda_add(actor=a["houkatsu1"], meeting=upcoming, case_id=mother.pk,
                            title="北町の高齢者世帯（母）", question="長男への関わりを含め、見守りの分担を決めたい。")
    services.meeting_create(actor=suishin, body=multi, starts_at=_at(12), ends_at=_at(12, 15),
                            place="社協 会議室", online=True)
