"""定着支援 follow-ups: planned at the start, recorded with 様子 and 結果 (継続 / 中断 / 別の場へ).

A follow-up dated before the start is refused at the field. 中断 and 別の場へ end the match
(the seat is freed) on that date; 継続 keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kasane.accounts.models import Actor
from kasane.audit.services import change_record, snapshot

from ..models import Condition, EndReason, FollowUp, Match, Outcome, Stage
from .common import as_date, require_manager, timeline, wareki
from .matches import _url, match_end

OUTCOME_END = {Outcome.INTERRUPTED: EndReason.INTERRUPTED,
               Outcome.ELSEWHERE: EndReason.ELSEWHERE}


def _clean(match: Match, data: Mapping[str, Any]) -> dict[str, Any]:
    on = as_date(data.get("on"), "on", "実施日")
    assert on is not None
    if match.started_on is None:
        raise ValidationError({"on": "定着支援は参加の開始後に記録します。"})
    if on < match.started_on:
        raise ValidationError({"on": f"開始日（{wareki(match.started_on)}）より前の日付は"
                                     "記録できません。"})
    if match.ended_on is not None and on > match.ended_on:
        raise ValidationError({"on": f"終了日（{wareki(match.ended_on)}）より後の日付は"
                                     "記録できません。"})
    outcome = str(data.get("outcome") or Outcome.CONTINUE)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "結果を選んでください。"})
    condition = str(data.get("condition") or "")
    if condition and condition not in Condition.values:
        raise ValidationError({"condition": "様子を選んでください。"})
    next_on = as_date(data.get("next_on"), "next_on", "次回", required=False)
    if next_on is not None and next_on < on:
        raise ValidationError({"next_on": "次回は実施日以降の日付にしてください。"})
    return {"on": on, "outcome": outcome, "condition": condition, "next_on": next_on,
            "method": str(data.get("method") or "")[:12],
            "note": str(data.get("note") or "").strip()[:4000],
            "host_support": str(data.get("host_support") or "").strip()[:500]}


def follow_up_record(*, actor: Actor, match: Match, data: Mapping[str, Any],
                     follow_up: FollowUp | None = None,
                     source_record_id: int | None = None) -> FollowUp:
    """Record a follow-up (filling the planned one given, else the earliest still open, else a
    new one). Refused before the start; 中断 / 別の場へ end the match."""
    require_manager(actor, match.case)
    values = _clean(match, data)
    with transaction.atomic():
        row = follow_up or match.follow_ups.filter(on__isnull=True).order_by("due_on").first()
        if row is not None and row.match_id != match.pk:
            raise ValidationError({"follow_up": "この参加の定着支援ではありません。"})
        created = row is None
        row = row or FollowUp(match=match)
        before = {} if created else snapshot(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.recorded_by, row.recorded_by_org = actor.user, actor.organization
        row.source_record_id = source_record_id or row.source_record_id
        row.full_clean()
        row.save()
        change_record(user=actor.user, instance=row, operation="create" if created else "update",
                      before=before or None, organization_id=actor.organization_id)
        label = Outcome(values["outcome"]).label
        timeline(match.case, actor, f"定着支援：{match.place.name} {wareki(values['on'])} {label}",
                 _url(match))
        end = OUTCOME_END.get(values["outcome"])
        if end is not None and match.stage == Stage.STARTED:
            match_end(actor=actor, match=match, ended_on=values["on"], reason=end)
    return row


def follow_up_update(*, actor: Actor, follow_up: FollowUp, data: Mapping[str, Any]) -> FollowUp:
    """Correct a recorded follow-up (the same checks)."""
    return follow_up_record(actor=actor, match=follow_up.match, data=data, follow_up=follow_up)
