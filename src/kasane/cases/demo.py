"""Demo cases of 重ね市: one in every status with realistic histories (referrals pending /
accepted / declined / proposed, contacts incl. failed visits, plans, closures, one 見守り継続).
Everything goes through the services; idempotent (natural key: the case summary)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kasane.accounts.models import Actor
from kasane.people import services as people_services
from kasane.people.demo import _actor
from kasane.people.models import Person, Purpose
from kasane.people.selectors import consent_current_for

from . import services
from .models import Case


def _ago(days: int, hour: int = 10) -> dt.datetime:
    return timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0) - dt.timedelta(days=days)


def _contact(actor: Actor, case: Case, days: int, method: str, summary: str, *, reached: bool = True,
             stage: str = "", tags: list[str] | None = None, next_action: str = "",
             next_due: int | None = None) -> None:
    services.contact_record(actor=actor, case=case, data={
        "at": _ago(days), "method": method, "reached": reached, "stage": stage,
        "not_reached_reason": "" if reached else "不在", "summary": summary, "minutes": 40,
        "tags": tags or ["multi_agency"], "next_action": next_action,
        "next_due_on": timezone.localdate() + dt.timedelta(days=next_due) if next_due is not None else None})


def _open(actor: Actor, persons: list[Person], summary: str, **kw: Any) -> Case | None:
    if Case.objects.filter(municipality_id=actor.organization.municipality_id, summary=summary).exists():
        return None
    return services.case_open(actor=actor, person_ids=[p.pk for p in persons], summary=summary, **kw)


def _problems(actor: Actor, case: Case, marked: list[str]) -> None:
    """課題の分類 as the 相談受付票 would have set them (the first is the 主訴 ◎)."""
    services.case_problems_set(actor=actor, case=case, marked=marked, main=marked[0])


def _consent_id(person: Person, org: Any) -> int:
    c = consent_current_for(person, org, Purpose.INFORMATION_SHARING)
    assert c is not None, f"demo consent of {person} for {org}"
    return c.pk


def load(data: dict[str, Any]) -> None:
    users, orgs, persons = data["users"], data["orgs"], data["persons"]
    a = {name: _actor(users[name]) for name in ("suishin", "houkatsu1", "shougai", "csw", "kodomo")}
    today = timezone.localdate()
    child, parent, restricted = persons["8050_child"], persons["8050_parent"], persons["restricted"]

    # 支援中: 8050 household's son, two referrals (accepted / proposed), plan, failed visits
    case = _open(a["suishin"], [child], "8050世帯の長男（50代）。ひきこもり状態で、母の介護と家計に不安。母の担当ケアマネから相談。",
                 triage="3", tags=["multi_agency", "outreach"])
    if case is not None:
        _problems(a["suishin"], case, ["withdrawal_truancy", "care", "household_budget"])
        shakyo = services.referral_create(actor=a["suishin"], case=case, to_org_id=orgs["shakyo"].pk,
                                          reason="地域の居場所と見守りの調整をお願いします。",
                                          consent_id=_consent_id(child, orgs["shakyo"]))
        services.referral_accept(actor=a["csw"], referral=shakyo, note="CSWが担当します。")
        shougai = services.referral_create(actor=a["suishin"], case=case, to_org_id=orgs["shougai_soudan"].pk,
                                           reason="障害福祉サービスの利用可能性の検討をお願いします。",
                                           consent_id=_consent_id(child, orgs["shougai_soudan"]))
        services.referral_propose(actor=a["shougai"], referral=shougai,
                                  text="診断がないため、まず保健所の精神保健相談につないでから再度ご相談ください。")
        _contact(a["suishin"], case, 20, "visit", "自宅を訪問したが応答なし。手紙を投函。", reached=False,
                 stage="not_met", tags=["outreach"])
        _contact(a["suishin"], case, 13, "letter", "訪問のお知らせを郵送。", tags=["outreach"])
        _contact(a["suishin"], case, 6, "visit", "玄関先で5分ほど会話。母の通院の話題には応じた。",
                 stage="contacted", tags=["outreach", "multi_agency"], next_action="再訪問", next_due=-2)
        plan = services.plan_create(actor=a["suishin"], case=case, goals=["本人と定期的に会える関係をつくる", "母の介護サービスを整える"],
                                   tasks=[{"org_id": orgs["fukushi"].pk, "task": "訪問・関係づくり", "frequency": "週1回"},
                                          {"org_id": orgs["shakyo"].pk, "task": "居場所の紹介", "frequency": "月1回"}],
                                   lead_org_id=orgs["fukushi"].pk, lead_user_id=users["suishin"].pk,
                                   review_on=today + dt.timedelta(days=10))
        plan = services.plan_approve(actor=a["suishin"], plan=plan, approved_on=today - dt.timedelta(days=3))
        services.plan_monitor(actor=a["suishin"], plan=plan, on=today - dt.timedelta(days=1),
                             note="週1回の訪問を続け、玄関先での会話が増えた。",
                             evaluations=["partial", "continuing"])
        services.case_status_change(actor=a["suishin"], case=Case.objects.get(pk=case.pk), to_status="supporting")

    # アセスメント: the mother, recorded by 地域包括; a referral to 社協 waiting for an answer
    case = _open(a["houkatsu1"], [parent], "80代女性。要介護1。同居の長男への関わりに悩み。",
                 triage="2", tags=["comprehensive"])
    if case is not None:
        _problems(a["houkatsu1"], case, ["care", "family_relations"])
        services.case_status_change(actor=a["houkatsu1"], case=case, to_status="assessment")
        services.referral_create(actor=a["houkatsu1"], case=Case.objects.get(pk=case.pk),
                                 to_org_id=orgs["shakyo"].pk, reason="見守りボランティアの調整をお願いします。",
                                 consent_id=_consent_id(parent, orgs["shakyo"]), due_on=today + dt.timedelta(days=2))

    # プラン作成: the restricted person (DV), draft plan
    case = _open(a["kodomo"], [restricted], "DV被害後の生活再建。子の就学と住まいの相談。", triage="3",
                 tags=["comprehensive", "multi_agency"])
    if case is not None:
        _problems(a["kodomo"], case, ["dv_abuse", "housing", "childcare"])
        services.case_status_change(actor=a["kodomo"], case=case, to_status="planning")
        services.plan_create(actor=a["kodomo"], case=Case.objects.get(pk=case.pk), goals=["安全な住まいの確保"],
                            tasks=[], lead_org_id=orgs["kodomo_center"].pk, lead_user_id=users["kodomo"].pk,
                            review_on=today + dt.timedelta(days=30))

    # 受付 / 終結 / 見守り継続: persons recorded by 社協 and 障害相談
    csw_people = list(Person.objects.filter(created_by_org=orgs["shakyo"]).order_by("pk")[:2])
    shougai_people = list(Person.objects.filter(created_by_org=orgs["shougai_soudan"]).order_by("pk")[:1])
    if len(csw_people) == 2:
        first = _open(a["csw"], [csw_people[0]], "近隣住民から「ごみが溜まっている」と連絡。", triage="4",
                      tags=["outreach"])
        if first is not None:
            _problems(a["csw"], first, ["community_relations", "housing", "mental"])
        case = _open(a["csw"], [csw_people[1]], "年金の手続きについての相談。", triage="1", tags=["comprehensive"])
        if case is not None:
            _problems(a["csw"], case, ["income"])
            _contact(a["csw"], case, 30, "office", "来所。手続きを説明し解決。", tags=["comprehensive"])
            services.case_close(actor=a["csw"], case=Case.objects.get(pk=case.pk), reason="goal_met",
                               evaluation="受付時の助言で解決。", closed_on=today - dt.timedelta(days=29))
    if shougai_people:
        person = shougai_people[0]
        case = _open(a["shougai"], [person], "就労継続支援の利用後、生活が安定。", triage="2", tags=["participation"])
        if case is not None:
            _problems(a["shougai"], case, ["job_search", "mental"])
            people_services.consent_record(actor=a["shougai"], person=person,
                                           organization_ids=[orgs["kodomo_center"].pk],
                                           purposes=["information_sharing"], obtained_on=today - dt.timedelta(days=60),
                                           method="written")
            ref = services.referral_create(actor=a["shougai"], case=case, to_org_id=orgs["kodomo_center"].pk,
                                           reason="子育ての相談先として関わってほしい。",
                                           consent_id=_consent_id(person, orgs["kodomo_center"]))
            services.referral_decline(actor=a["kodomo"], referral=ref, reason="お子さんが成人しており当センターの対象外です。")
            _contact(a["shougai"], case, 40, "phone", "電話がつながらず。", reached=False, tags=["participation"])
            _contact(a["shougai"], case, 35, "accompany", "作業所の見学に同行。", stage="agreed", tags=["participation"])
            services.case_close(actor=a["shougai"], case=Case.objects.get(pk=case.pk), reason="connected",
                               evaluation="通所が定着し、つながりが安定した。", watch=True,
                               watch_org_id=orgs["shougai_soudan"].pk, watch_method="月1回の電話",
                               next_check_on=today + dt.timedelta(days=20))

