"""What a submitted 参加支援事業用シート does (``sheets.links`` handler of kind ``match``,
registered from ``ParticipationConfig.ready``; docs/sheets.md "Sheets act on their links").

Each step writes through participation's services as the submitting actor (an organization
involved in the person's case), in its own savepoint:

* ``wish`` — やりたいこと・得意なこと・参加の形・曜日・時間帯・圏域・移動手段・配慮事項 → the
  case's ``Wish`` for the person (updated on an edit);
* ``offer:<i>`` — each 受入打診 row → a proposal to that place (a closed or full place fails
  with the reason), and its 回答 (受入可 / 条件付き → 受入可 with the conditions, 不可) recorded
  as received on paper;
* ``match`` — 参加先 + 開始日 → the start (a proposal and 受入可 are recorded first when the
  sheet names a place no row offered); the key is the one the waiting link had;
* ``follow_up:<i>`` — each 定着支援 row → a follow-up (a date before the start fails);
* ``end`` — 終了日 + 終了の理由 → the end.

A 社会資源 answer is the place's number or its exact name; a 圏域 its code or name. The case is
the record's case, or the person's one live case the actor's organization is involved in.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from kasane.areas.models import Area, AreaKind
from kasane.cases.models import Case
from kasane.cases.sheet_links import _case_for
from kasane.resources.models import Place
from kasane.sheets import links
from kasane.sheets.links import Link, Outcome, Step
from kasane.sheets.models import SheetDerivation

from . import services
from .models import OPEN_STAGES, FollowUp, Match, Stage

CODE = "participation"
SHEET_ANSWER = {"accepted": "accepted", "conditional": "accepted", "declined": "declined"}


def _text(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def place_ref(municipality_id: int, value: Any, field: str) -> Place:
    """The place a 社会資源 answer names (number or exact name), else a field error."""
    text = _text(value)
    qs = Place.objects.filter(municipality_id=municipality_id)
    found = qs.filter(pk=int(text)).first() if text.isdigit() else None
    if found is None and text:
        named = list(qs.filter(name=text)[:2])
        found = named[0] if len(named) == 1 else None
    if found is None:
        raise ValidationError({field: f"社会資源「{text}」が見つかりません。名称か番号で指定してください。"})
    return found


def area_ref(municipality_id: int, value: Any) -> Area | None:
    text = _text(value)
    if not text:
        return None
    qs = Area.objects.filter(municipality_id=municipality_id, kind=AreaKind.DAILY_LIFE_AREA)
    found = qs.filter(code=text).first() or qs.filter(name=text).first()
    if found is None and text.isdigit():
        found = qs.filter(pk=int(text)).first()
    if found is None:
        raise ValidationError({"area": f"圏域「{text}」が見つかりません。"})
    return found


def _person_id(link: Link) -> int:
    if link.record.person_id is None:
        raise ValidationError("この帳票には本人が結び付いていません。")
    return int(link.record.person_id)


def _url(match: Match) -> str:
    return reverse("participation:match", args=[match.pk])


def _prev_match(case: Case, prev: SheetDerivation | None) -> Match | None:
    if prev is None or not prev.object_id:
        return None
    return Match.objects.filter(pk=prev.object_id, case=case).select_related("place").first()


def _run_wish(link: Link, prev: SheetDerivation | None) -> Outcome:
    a = link.answers
    case = _case_for(link)
    area = area_ref(case.municipality_id, a.get("area"))
    wish = services.wish_save(actor=link.actor, case=case, person_id=_person_id(link), data={
        "wants": a.get("wishes"), "strengths": a.get("strengths"),
        "roles": a.get("role_wanted") or [], "days": a.get("days") or [],
        "time_bands": a.get("time_bands") or [], "area": area.pk if area else None,
        "transport": a.get("transport") or "", "considerations": a.get("considerations")},
        source_record_id=link.record.pk)
    return Outcome(object_id=wish.pk, label="参加の希望",
                   url=reverse("cases:detail", args=[case.pk]) + "#participation")


def _answer(link: Link, m: Match, code: str, on: Any, note: str) -> Match:
    answer = SHEET_ANSWER.get(code)
    if answer and m.stage in (Stage.PROPOSED, Stage.ON_HOLD):
        return services.match_answer(actor=link.actor, match=m, answer=answer, answer_on=on,
                                     via="paper", note=note)
    return m


def _offer_run(index: int) -> Any:
    def run(link: Link, prev: SheetDerivation | None) -> Outcome:
        row = (link.answers.get("offers") or [])[index]
        case = _case_for(link)
        m = _prev_match(case, prev)
        if m is None:
            place = place_ref(case.municipality_id, row.get("resource"), f"offers.{index}.resource")
            m = services.match_propose(actor=link.actor, case=case, person_id=_person_id(link),
                                       place_id=place.pk, proposed_on=row.get("on"),
                                       note=str(row.get("conditions") or ""),
                                       source_record_id=link.record.pk)
        m = _answer(link, m, str(row.get("answer") or ""), row.get("on"),
                    str(row.get("conditions") or ""))
        return Outcome(object_id=m.pk, label=f"受入打診（{m.place.name}）", url=_url(m))
    return run


def _started_match(link: Link, case: Case) -> Match:
    found = _prev_match(case, link.previous.get("match"))
    if found is None or found.started_on is None:
        raise ValidationError({"follow_ups": "参加の開始が記録されていません。参加先と開始日を記入してください。"})
    return found


def _run_start(link: Link, prev: SheetDerivation | None) -> Outcome:
    a = link.answers
    case = _case_for(link)
    pid = _person_id(link)
    place = place_ref(case.municipality_id, a.get("matched_resource"), "matched_resource")
    m = _prev_match(case, prev)
    if m is None or m.place_id != place.pk:
        m = Match.objects.filter(case=case, person_id=pid, place=place,
                                 stage__in=OPEN_STAGES).select_related("place").first()
    if m is None:
        m = services.match_propose(actor=link.actor, case=case, person_id=pid, place_id=place.pk,
                                   proposed_on=a.get("started_on"),
                                   source_record_id=link.record.pk)
    m = _answer(link, m, "accepted", a.get("started_on"), "")
    if m.stage in (Stage.ACCEPTED, Stage.TRIAL):
        m = services.match_start(actor=link.actor, match=m, started_on=a.get("started_on"))
    return Outcome(object_id=m.pk, label=f"参加開始（{m.place.name}）", url=_url(m))


def _follow_run(index: int) -> Any:
    def run(link: Link, prev: SheetDerivation | None) -> Outcome:
        row = (link.answers.get("follow_ups") or [])[index]
        case = _case_for(link)
        m = _started_match(link, case)
        data = {"on": row.get("on"), "method": row.get("method") or "",
                "condition": row.get("state") or "", "outcome": "continue",
                "host_support": row.get("host_support") or "", "next_on": row.get("next_on")}
        existing = FollowUp.objects.filter(pk=prev.object_id, match=m).first() \
            if prev is not None and prev.object_id else None
        row_obj = services.follow_up_record(actor=link.actor, match=m, data=data,
                                            follow_up=existing, source_record_id=link.record.pk)
        return Outcome(object_id=row_obj.pk, label="定着支援", url=_url(m))
    return run


def _run_end(link: Link, prev: SheetDerivation | None) -> Outcome:
    a = link.answers
    case = _case_for(link)
    m = _started_match(link, case)
    if m.stage == Stage.STARTED:
        m = services.match_end(actor=link.actor, match=m, ended_on=a.get("ended_on"),
                               reason=str(a.get("end_reason") or ""))
    return Outcome(object_id=m.pk, label="参加終了", url=_url(m))


def match_steps(link: Link) -> list[Step]:
    if link.record.definition.code != CODE:
        return []
    a = link.answers
    steps: list[Step] = []
    if a.get("wishes"):
        steps.append(Step("wish", "participation", "wishes", _run_wish))
    steps += [Step(f"offer:{i}", "participation", f"offers.{i}.resource", _offer_run(i))
              for i in range(len(a.get("offers") or []))]
    if a.get("matched_resource") and a.get("started_on"):
        steps.append(Step("match", "participation", "matched_resource", _run_start))
        steps += [Step(f"follow_up:{i}", "participation", f"follow_ups.{i}.on", _follow_run(i))
                  for i in range(len(a.get("follow_ups") or []))]
        if a.get("ended_on"):
            steps.append(Step("end", "participation", "ended_on", _run_end))
    return steps


links.register(links.LinkHandler("match", match_steps))
