"""名寄せ decisions and batch requests (policy check → transaction → write → audit rows).

- ``match_decide``: 同一人物 (creates a ``PersonLink``), 別人, or 保留 with a note.
- ``link_unmerge``: ends a link; the pair goes back to the queue as 未確認.
- ``match_run_request``: queues a batch run (django-tasks) for the coordinator's municipality.

A link never creates or changes a Grant: who may see which source record stays exactly as
it was (docs/matching.md "In the people app").
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.audit.models import Basis
from kasane.audit.services import access_log, change_record, snapshot

from ..models import (
    DECIDED,
    MatchCandidate,
    MatchRun,
    MatchRunStatus,
    MatchStatus,
    PersonLink,
)
from ..selectors.matching import may_review, require_reviewer

DECISIONS: dict[str, str] = {MatchStatus.SAME: "同一人物", MatchStatus.DIFFERENT: "別人",
                             MatchStatus.HOLD: "保留"}
CANDIDATE_FIELDS = ("status", "note", "decided_by_id", "decided_at")
STALE_HOURS = 6  # a run queued or running longer than this no longer blocks a new one
LINK_FIELDS = ("person_a_id", "person_b_id", "candidate_id", "ended_at", "end_reason")


def _require_both(actor: Actor, a: int, b: int, action: str, detail: str) -> dict[int, str]:
    """Both records must be visible to the coordinator, each on its own basis."""
    require_reviewer(actor)
    bases = policy.bases_for(actor, [a, b])
    if len(bases) < 2:
        policy.log_denied(actor, action, detail=detail)
        raise PermissionDenied("両方の記録を閲覧できる推進員だけが判断できます。")
    if Basis.EMERGENCY in bases.values():  # emergency access is for 生命・身体の保護 only
        policy.log_denied(actor, action, detail=f"{detail} 緊急アクセスの根拠")
        raise PermissionDenied("緊急アクセスの根拠で閲覧している記録は、名寄せの判断に使えません。")
    return bases


def _log_both(actor: Actor, bases: dict[int, str], action: str, detail: str) -> None:
    for pid, basis in sorted(bases.items()):
        access_log(user=actor.user, action=action, basis=basis,
                   organization_id=actor.organization_id, object_type="people.Person",
                   object_id=pid, person_id=pid, detail=detail[:500])


def match_decide(*, actor: Actor, candidate: MatchCandidate, decision: str,
                 note: str = "") -> MatchCandidate:
    """Record a coordinator's decision on a candidate pair. 同一人物 links the two source
    records; 別人 keeps them apart for good (re-scores never re-queue a decided pair);
    保留 keeps the pair open with a note."""
    detail = f"名寄せ候補#{candidate.pk}"
    bases = _require_both(actor, candidate.person_a_id, candidate.person_b_id,
                          "match.decide", detail)
    note = (note or "").strip()
    if decision not in DECISIONS:
        raise ValidationError({"decision": "「同一人物」「別人」「保留」のいずれかを選んでください。"})
    if len(note) > 500:
        raise ValidationError({"note": "メモは500文字以内で入力してください。"})
    if decision == MatchStatus.HOLD and not note:
        raise ValidationError({"note": "保留にする理由（確認すること）をメモに入力してください。"})
    with transaction.atomic():
        locked = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
        if locked.status in DECIDED:
            raise ValidationError({"decision": f"この候補はすでに「{locked.get_status_display()}」と判断されています。"})
        before = snapshot(locked, CANDIDATE_FIELDS)
        locked.status = decision
        locked.note = note
        locked.decided_by = actor.user
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "note", "decided_by", "decided_at", "scored_at"])
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      after=snapshot(locked, CANDIDATE_FIELDS),
                      organization_id=actor.organization_id, reason=f"名寄せ: {DECISIONS[decision]}")
        if decision == MatchStatus.SAME:
            _link_create(actor, locked)
        _log_both(actor, bases, "person.match.decide", f"{detail} {DECISIONS[decision]}")
    return locked


def _link_create(actor: Actor, candidate: MatchCandidate) -> PersonLink:
    existing = PersonLink.objects.filter(person_a_id=candidate.person_a_id,
                                         person_b_id=candidate.person_b_id,
                                         ended_at__isnull=True).first()
    if existing is not None:
        return existing
    link = PersonLink(municipality_id=candidate.municipality_id,
                      person_a_id=candidate.person_a_id, person_b_id=candidate.person_b_id,
                      candidate=candidate, created_by=actor.user)
    link.full_clean()
    link.save()
    change_record(user=actor.user, instance=link, operation="create",
                  after=snapshot(link, LINK_FIELDS), organization_id=actor.organization_id,
                  reason="名寄せ: 同一人物")
    return link


def link_unmerge(*, actor: Actor, link: PersonLink, reason: str) -> PersonLink:
    """End a 同一人物 link. Both records are as before the merge; the pair returns to the
    queue as 未確認 so it can be decided again."""
    detail = f"同一人物の関連付け#{link.pk}"
    bases = _require_both(actor, link.person_a_id, link.person_b_id, "match.unmerge", detail)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "統合を解除する理由を入力してください。"})
    with transaction.atomic():
        locked = PersonLink.objects.select_for_update().get(pk=link.pk)
        if locked.ended_at is not None:
            raise ValidationError({"reason": "この関連付けはすでに解除されています。"})
        before = snapshot(locked, LINK_FIELDS)
        locked.ended_at = timezone.now()
        locked.ended_by = actor.user
        locked.end_reason = reason[:500]
        locked.save(update_fields=["ended_at", "ended_by", "end_reason"])
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      after=snapshot(locked, LINK_FIELDS), organization_id=actor.organization_id,
                      reason=f"名寄せの解除: {reason}")
        if locked.candidate_id:
            cand = MatchCandidate.objects.select_for_update().get(pk=locked.candidate_id)
            before = snapshot(cand, CANDIDATE_FIELDS)
            cand.status = MatchStatus.PENDING
            cand.note = f"統合を解除: {reason}"[:500]
            cand.decided_by = None
            cand.decided_at = None
            cand.save(update_fields=["status", "note", "decided_by", "decided_at", "scored_at"])
            change_record(user=actor.user, instance=cand, operation="update", before=before,
                          after=snapshot(cand, CANDIDATE_FIELDS),
                          organization_id=actor.organization_id, reason=f"名寄せの解除: {reason}")
        _log_both(actor, bases, "person.match.unmerge", detail)
    return locked


def match_run_request(*, actor: Actor, trigger: str = "screen") -> MatchRun:
    """Queue a batch run over the coordinator's municipality (one at a time)."""
    if not may_review(actor):
        policy.log_denied(actor, "search", detail="名寄せの一括照合")
        raise PermissionDenied("一括照合を実行できるのは相談支援包括化推進員です。")
    from .. import tasks

    muni = policy.tenant_id(actor)
    with transaction.atomic():
        stale = timezone.now() - dt.timedelta(hours=STALE_HOURS)
        if MatchRun.objects.select_for_update().filter(
                municipality_id=muni, status__in=[MatchRunStatus.QUEUED, MatchRunStatus.RUNNING],
                created_at__gte=stale).exists():
            raise ValidationError({"run": "一括照合はすでに実行中です。終わるまでお待ちください。"})
        run = MatchRun.objects.create(municipality_id=muni, requested_by=actor.user, trigger=trigger)
        transaction.on_commit(lambda: tasks.match_batch.enqueue(run.pk))
    return run
