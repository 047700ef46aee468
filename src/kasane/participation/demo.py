"""Demo data of participation (loaded after the resources demo): 人材バンク volunteers and
福祉カレッジ graduates with 伴走 notes, hours and places, two places' requests for helpers,
and matches in every stage on the demo cases — the 8050 household's son (started with
follow-ups, trial, declined, withdrawn, ended, and a proposal shared with 障害者相談支援事業所
as the place under his participation consent) and his mother (保留, 受入可). Through the
services; idempotent (skipped once the demo city has volunteers / matches). Matches need the
resources demo's published places; without them only the volunteers load."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from kasane.cases.models import Case, Status
from kasane.people.demo import _actor
from kasane.resources import services as resource_services
from kasane.resources.models import Place, PlaceStatus

from . import places as place_rules
from . import services
from .models import Match, Volunteer, Wish

VOLUNTEERS = [
    ("graduate", "森 さくら", "もり さくら", ["福祉カレッジ基礎講座", "傾聴ボランティア講座"],
     "話を聴くこと、子ども食堂の手伝い", ["kodomo_shokudo", "salon"], ["sat"], ["am", "pm"]),
    ("graduate", "林 健太", "はやし けんた", ["福祉カレッジ基礎講座", "就労支援サポーター講座"],
     "就労体験の付き添い、パソコン", ["work_trial"], ["tue", "thu"], ["pm"]),
    ("volunteer", "池田 光子", "いけだ みつこ", ["認知症サポーター養成講座"],
     "サロンの運営、手芸", ["salon", "ibasho"], ["mon", "wed"], ["am"]),
    ("volunteer", "石井 誠", "いしい まこと", [], "送迎の運転、力仕事", ["ibasho"], ["sun"], ["am"]),
    ("graduate", "中島 由美", "なかじま ゆみ", ["福祉カレッジ基礎講座"], "学習支援（中学生の数学）",
     ["learning"], ["wed", "fri"], ["evening"]),
    ("volunteer", "小川 隆", "おがわ たかし", [], "囲碁・将棋の相手", ["salon"], ["thu"], ["pm"]),
]


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _volunteers(csw: Any, published: list[Place]) -> None:
    for i, (kind, name, kana, courses, interests, kinds, days, bands) in enumerate(VOLUNTEERS):
        v = services.volunteer_save(actor=csw, data={
            "kind": kind, "name": name, "name_kana": kana, "courses": courses,
            "interests": interests, "kinds": kinds, "days": days, "time_bands": bands,
            "active": i != 5})
        if published and i < 4:
            place = published[i % len(published)]
            a = services.assignment_create(actor=csw, volunteer=v, place_id=place.pk)
            services.assignment_set_status(actor=csw, assignment=a, status="active", on=_ago(90))
            for week in range(0, 12, 2):
                services.hours_log(actor=csw, volunteer=v, on=_ago(84 - week * 7), hours="2.5",
                                   place_id=place.pk)
            services.note_add(actor=csw, volunteer=v, on=_ago(30),
                              text="活動先の代表と面談。無理なく続けられているとのこと。")
    for place, title in zip(published[:2], ("配膳と片付けの担い手", "送迎の運転ボランティア"),
                            strict=False):
        services.help_request_create(actor=csw, place_id=place.pk, title=title,
                                     detail="月2回程度、できる範囲で。", wanted=2)


def _candidates(published: list[Place], person: Any) -> Iterator[Place]:
    age = person.age_on(timezone.localdate())
    for place in published:
        try:
            place_rules.check_can_take(place, age)
        except ValidationError:
            continue
        yield place


def _case(municipality_id: int, summary_start: str) -> Case | None:
    return Case.objects.filter(municipality_id=municipality_id, summary__startswith=summary_start,
                               status__in=[s for s in Status.values if s != "closed"]).first()


def _son(a: dict[str, Any], case: Case, person: Any, pick: Iterator[Place], host: Place | None) -> None:
    lead = a["suishin"]
    services.wish_save(actor=lead, case=case, person_id=person.pk, data={
        "wants": "人の少ない時間に、手を動かす作業をしてみたい。いずれは働きたい。",
        "strengths": "パソコン、植物の世話", "roles": ["attend", "work_trial"],
        "days": ["tue", "thu"], "time_bands": ["pm"], "transport": "bicycle",
        "considerations": "大人数の場は苦手。最初は同行が必要。"})

    def propose(days: int, place: Place | None = None) -> Match | None:
        target = place or next(pick, None)
        if target is None:
            return None
        return services.match_propose(actor=lead, case=case, person_id=person.pk,
                                      place_id=target.pk, proposed_on=_ago(days),
                                      note="短時間から始めたいとのこと。")

    ended = propose(220)
    if ended is not None:
        services.match_answer(actor=lead, match=ended, answer="accepted", answer_on=_ago(218))
        services.match_start(actor=lead, match=ended, started_on=_ago(210))
        services.match_end(actor=lead, match=Match.objects.get(pk=ended.pk), ended_on=_ago(120),
                           reason="moved_on")
    declined = propose(80)
    if declined is not None:
        services.match_answer(actor=lead, match=declined, answer="declined", answer_on=_ago(78),
                              note="現在は新規の受け入れを見合わせている")
    started = propose(60)
    if started is not None:
        services.match_answer(actor=lead, match=started, answer="accepted", answer_on=_ago(58))
        services.match_trial(actor=lead, match=Match.objects.get(pk=started.pk), trial_on=_ago(55))
        m = services.match_start(actor=lead, match=Match.objects.get(pk=started.pk),
                                 started_on=_ago(50))
        services.follow_up_record(actor=lead, match=m, data={
            "on": _ago(43), "method": "visit", "condition": "stable", "outcome": "continue",
            "note": "週2回通えている。作業の説明を受入先と一緒に確認した。"})
        services.follow_up_record(actor=lead, match=m, data={
            "on": _ago(19), "method": "phone", "condition": "issue", "outcome": "continue",
            "note": "人が多い日に疲れが出る。午後の早い時間に変更を相談。",
            "host_support": "少人数の作業台を用意してもらう"})
    trial = propose(20)
    if trial is not None:
        services.match_answer(actor=lead, match=trial, answer="accepted", answer_on=_ago(18))
        services.match_trial(actor=lead, match=Match.objects.get(pk=trial.pk), trial_on=_ago(7))
    withdrawn = propose(15)
    if withdrawn is not None:
        services.match_withdraw(actor=lead, match=withdrawn)
    if host is not None:  # shared with the place's organization under the consent
        propose(3, host)


def _mother(a: dict[str, Any], case: Case, person: Any, pick: Iterator[Place]) -> None:
    actor = a["houkatsu1"]
    services.wish_save(actor=actor, case=case, person_id=person.pk, data={
        "wants": "近所の人とお茶を飲みながら話したい", "roles": ["attend"], "days": ["mon", "wed"],
        "time_bands": ["am"], "transport": "escort", "needs_accessibility": True,
        "considerations": "膝が悪く、階段は難しい。"})
    for days, answer in ((12, "on_hold"), (9, "accepted")):
        place = next(pick, None)
        if place is None:
            return
        m = services.match_propose(actor=actor, case=case, person_id=person.pk,
                                   place_id=place.pk, proposed_on=_ago(days))
        services.match_answer(actor=actor, match=m, answer=answer, answer_on=_ago(days - 2))


def _host_place(a: dict[str, Any], orgs: dict[str, Any], published: list[Place]) -> Place | None:
    """A place with seats run by 障害者相談支援事業所かさね (its provider linked to the
    organization; the last work-trial place is linked when none is)."""
    linked = [p for p in published if p.provider.organization_id == orgs["shougai_soudan"].pk]
    if linked:
        return linked[0]
    work = [p for p in published if p.offers_work_trial or p.kind == "work_trial"]
    if not work:
        return None
    place = work[-1]
    resource_services.provider_save(actor=a["suishin"], name=place.provider.name,
                                    description=place.provider.description,
                                    email=place.provider.email, url=place.provider.url,
                                    phone=place.provider.phone,
                                    organization=orgs["shougai_soudan"], provider=place.provider)
    return place


def load(data: dict[str, Any]) -> None:
    users, orgs, persons = data["users"], data["orgs"], data["persons"]
    a = {name: _actor(users[name]) for name in ("suishin", "csw", "houkatsu1", "shougai")}
    muni = a["suishin"].organization.municipality_id
    published = list(Place.objects.filter(municipality_id=muni, status=PlaceStatus.PUBLISHED)
                     .select_related("provider").order_by("id"))
    if not Volunteer.objects.filter(municipality_id=muni).exists():
        _volunteers(a["csw"], published)
    if Match.objects.filter(municipality_id=muni).exists() or len(published) < 3:
        return
    son, mother = persons["8050_child"], persons["8050_parent"]
    host = _host_place(a, orgs, list(_candidates(published, son)))
    pick = (p for p in _candidates(published, son) if p != host)
    son_case = _case(muni, "8050世帯の長男")
    if son_case is not None and not Wish.objects.filter(case=son_case).exists():
        _son(a, son_case, son, pick, host)
    mother_case = _case(muni, "80代女性。要介護1")
    if mother_case is not None:
        _mother(a, mother_case, mother, (p for p in _candidates(published, mother)
                                         if p != host and not Match.objects.filter(place=p).exists()))
