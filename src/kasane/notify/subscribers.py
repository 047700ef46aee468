"""Subscriptions to the domain events of the apps below (core.events): each handler computes
the recipients through the owning app's policy and creates in-app notifications inside the
emitting transaction. Titles carry no personal data."""

from __future__ import annotations

from django.urls import reverse

from kasane.access import policy as access_policy
from kasane.access.events import EMERGENCY_REQUESTED
from kasane.access.models import EmergencyReview
from kasane.accounts.events import ROLE_REQUESTED
from kasane.accounts.models import Role
from kasane.cases import policy as case_policy
from kasane.cases.events import REFERRAL_ANSWERED, REFERRAL_SENT
from kasane.cases.models import Referral
from kasane.core.events import Occurrence
from kasane.exports.events import EXPORT_FINISHED
from kasane.exports.models import ExportJob, ExportStatus
from kasane.people.events import MATCH_QUEUED
from kasane.sheets import policy as sheet_policy
from kasane.sheets.events import IMPORT_FINISHED, SHEET_ROUTED
from kasane.sheets.imports import job_actor
from kasane.sheets.models import ImportStatus, SheetImport, SheetRecord

from . import recipients
from .services.notifications import notify

SHEET_URGENCY = {"immediate": ("即時", 0), "today": ("即日", 5), "soon": ("数日内", 20)}


@REFERRAL_SENT.subscribe
def referral_sent(event: Occurrence) -> None:
    ref = Referral.objects.get(pk=event.data["referral_id"])
    notify(memberships=recipients.memberships(event.municipality_id, org_ids=[ref.to_org_id]),
           kind="referral_received", title=f"つなぎの依頼が届きました（つなぎ #{ref.pk}）",
           url=reverse("cases:referral", args=[ref.pk]), object_type="referral",
           object_id=ref.pk, priority=20)


@REFERRAL_ANSWERED.subscribe
def referral_answered(event: Occurrence) -> None:
    ref = Referral.objects.select_related("case").get(pk=event.data["referral_id"])
    candidates = recipients.memberships(event.municipality_id, org_ids=[ref.from_org_id])
    notify(memberships=recipients.who_may(
               candidates, lambda m: case_policy.visible_cases(m).filter(pk=ref.case_id).exists()),
           kind="referral_answered",
           title=f"つなぎ #{ref.pk} に回答がありました（{ref.get_status_display()}）",
           url=reverse("cases:referral", args=[ref.pk]), object_type="referral",
           object_id=ref.pk)


@SHEET_ROUTED.subscribe
def sheet_routed(event: Occurrence) -> None:
    """The tenant's coordinators who may see the routed sheet (decided for all of them at once
    by ``sheets.policy.actors_who_may_see``) are told."""
    record_id = int(event.data["record_id"])
    record = SheetRecord.objects.select_related("definition").filter(pk=record_id).first()
    person_id = None if record is None else record.person_id
    word, priority = SHEET_URGENCY.get(str(event.data.get("urgency", "")), ("", 30))
    candidates = recipients.coordinators(event.municipality_id)
    notify(memberships=[] if record is None
           else sheet_policy.actors_who_may_see(record, candidates),
           kind="sheet_received",
           title=f"つなぐシートが届きました{f'（{word}）' if word else ''}",
           url=reverse("sheets:detail", args=[record_id]), object_type="sheet_record",
           object_id=record_id, priority=priority, urgency=str(event.data.get("urgency", "")),
           person_id=person_id)


@EMERGENCY_REQUESTED.subscribe
def emergency_requested(event: Occurrence) -> None:
    review = EmergencyReview.objects.get(pk=event.data["review_id"])
    candidates = recipients.coordinators(event.municipality_id)
    notify(memberships=recipients.who_may(
               candidates, lambda m: access_policy.can(m, "emergency.review", review)),
           kind="emergency_review", title="緊急アクセスが使われました。事後確認をお願いします",
           url=reverse("people:emergency_queue"), object_type="emergency_review",
           object_id=review.pk, priority=10)


@EXPORT_FINISHED.subscribe
def export_finished(event: Occurrence) -> None:
    job = ExportJob.objects.select_related("membership__organization").get(
        pk=event.data["job_id"])
    done = job.status == ExportStatus.DONE
    notify(memberships=[job.membership], kind="export_finished",
           title="出力ファイルができました" if done else "出力ファイルを作成できませんでした",
           url=reverse("exports:detail", args=[job.pk]), object_type="export_job",
           object_id=job.pk, webhook=False)


@IMPORT_FINISHED.subscribe
def import_finished(event: Occurrence) -> None:
    job = SheetImport.objects.get(pk=event.data["import_id"])
    member = job_actor(job)
    if member is None:
        return
    title = ("取込ファイルの確認が終わりました。内容を確かめて取り込んでください"
             if job.status == ImportStatus.CHECKED else "帳票の取込が終わりました")
    notify(memberships=[member], kind="import_finished", title=title,
           url=reverse("sheets:import_detail", args=[job.pk]), object_type="sheet_import",
           object_id=job.pk, webhook=False)


@MATCH_QUEUED.subscribe
def match_queued(event: Occurrence) -> None:
    from django.utils import timezone

    notify(memberships=recipients.coordinators(event.municipality_id), kind="match_queued",
           title="名寄せの確認待ちの候補が追加されました", url=reverse("people:match_queue"),
           object_type="match_queue", dedupe_key=f"match_queued:{timezone.localdate()}",
           webhook=False)


@ROLE_REQUESTED.subscribe
def role_requested(event: Occurrence) -> None:
    """Issue 22: a case role or 監査 asked for by an admin — the tenant's coordinators and the
    other admins are told (never the requester nor the user concerned)."""
    skip = {event.data["requested_by_id"], event.data["user_id"]}
    candidates = recipients.memberships(event.municipality_id,
                                        roles=[Role.COORDINATOR, Role.ADMIN])
    notify(memberships=[m for m in candidates if m.user_id not in skip], kind="role_request",
           title="役割付与の承認をお願いします", url=reverse("accounts:role_requests"),
           object_type="role_request", object_id=event.data["role_request_id"], priority=15)
