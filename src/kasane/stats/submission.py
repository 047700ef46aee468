"""The national report's submission workflow (spec/reporting.md B.4), like the PDCA cycle's:
``draft`` 作成中 → ``org_confirm`` 機関確認 (each organization's 推進員 confirms the figures
counted from the cases it leads, with a comment) → ``final`` 確定 (事務局; every cell frozen)
→ ``submitted`` 提出済み (事務局; the files print the frozen values). Going back is an explicit
choice with a reason (logged); going back to 機関確認 or earlier starts a new confirmation round.

Every write: policy check → ``transaction.atomic`` → write → AccessLog (basis ``none``: figures
are not personal data) + ChangeRecord. Reads: ``edition_of``, ``org_shares``, ``late_additions``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from kasane.accounts.models import Actor, Membership, Organization
from kasane.audit.models import Basis
from kasane.audit.services import access_log, change_record, snapshot
from kasane.cases.models import Case
from kasane.core import metrics
from kasane.core.metrics import Period

from . import national
from . import policy as stats_policy
from .models import (
    STATUS_ORDER,
    NationalReportConfirmation,
    NationalReportEdition,
    NationalReportManualValue,
    NationalReportTransition,
    SubmissionStatus,
)

MANUAL_VALUE_LIMIT = 10**12


def _audit(actor: Actor, action: str, instance: Any, operation: str,
           before: dict[str, Any] | None, reason: str = "", detail: str = "") -> None:
    access_log(user=actor.user, action=f"stats.national.{action}", basis=Basis.NOT_PERSONAL,
               organization_id=actor.organization_id, object_type=instance._meta.label,
               object_id=instance.pk, detail=(detail or reason)[:500])
    fields = [f.attname for f in instance._meta.concrete_fields
              if f.name not in ("frozen", "values")]
    change_record(user=actor.user, instance=instance, operation=operation, before=before,
                  after=snapshot(instance, fields), organization_id=actor.organization_id,
                  reason=reason)


def _jsonable(figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Figures as JSON (a Decimal value becomes a float, as the API prints it)."""
    return [{**f, "value": f["value"] if isinstance(f["value"], int) else float(f["value"])}
            for f in figures]


# --- reads ---------------------------------------------------------------------------------

def edition_of(municipality: Any, fy: int) -> NationalReportEdition:
    """The 年度's edition; an unsaved 作成中 one when nothing was done yet (a read never
    writes)."""
    edition = NationalReportEdition.objects.filter(municipality=municipality,
                                                   fiscal_year=fy).first()
    return edition or NationalReportEdition(municipality=municipality, fiscal_year=fy,
                                            template_version=national.template_version(fy))


def printed_figures(municipality: Any, fy: int,
                    live: list[dict[str, Any]] | None = None) -> tuple[list[dict[str, Any]], str]:
    """What the files print: the frozen values of a 確定 / 提出済み edition, else the live
    ones; with a note saying which."""
    edition = edition_of(municipality, fy)
    if edition.is_frozen:
        assert edition.frozen is not None and edition.frozen_at is not None
        stamp = timezone.localtime(edition.frozen_at).strftime("%Y-%m-%d %H:%M")
        return list(edition.frozen), f"{edition.get_status_display()}の値（{stamp} 確定）"
    return (live if live is not None else national.national_report(municipality, fy)), ""


def org_shares(municipality: Any, fy: int) -> dict[str, dict[int, int]]:
    """Each organization's own part of each cell: the drill-down's cases counted per 主担当機関
    (``{code: {organization_id: cases}}``); cells without a drill-down are left out."""
    period = Period.fiscal(fy)
    out: dict[str, dict[int, int]] = {}
    for cell in national.template_for(fy):
        if cell.manual or cell.metric not in metrics.METRICS:
            continue
        metric = metrics.get(cell.metric)
        if metric.drill is None:
            continue
        behind = metric.drill(municipality, period, **cell.filters)
        rows = Case.objects.filter(pk__in=behind.values("pk")).values("lead_org_id") \
            .annotate(n=Count("pk"))
        out[cell.code] = {r["lead_org_id"]: r["n"] for r in rows if r["lead_org_id"]}
    return out


@dataclass
class OrgRow:
    organization: Organization
    figures: list[tuple[str, str, int]]  # (code, label, cases led by this organization)
    confirmation: NationalReportConfirmation | None
    can_confirm: bool  # has an active 推進員 who may confirm


def confirmation_rows(edition: NationalReportEdition,
                      shares: dict[str, dict[int, int]]) -> list[OrgRow]:
    """Every organization with figures of its own, its figures and its confirmation of the
    current round."""
    labels = {c.code: c.label for c in national.template_for(edition.fiscal_year)}
    per_org: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for code, counts in shares.items():
        for org_id, n in counts.items():
            per_org[org_id].append((code, labels[code], n))
    confirmed = {c.organization_id: c for c in NationalReportConfirmation.objects.filter(
        edition_id=edition.pk, round=edition.round).select_related("confirmed_by")} \
        if edition.pk else {}
    org_ids = set(per_org) | set(confirmed)
    with_confirmer = set(Membership.objects.filter(
        organization_id__in=org_ids, role__in=stats_policy.CONFIRMERS, is_active=True,
        user__is_active=True).values_list("organization_id", flat=True))
    orgs = Organization.objects.filter(pk__in=org_ids).order_by("name")
    return [OrgRow(org, per_org.get(org.pk, []), confirmed.get(org.pk), org.pk in with_confirmer)
            for org in orgs]


def late_additions(edition: NationalReportEdition,
                   live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """確定後追加: each cell whose live value differs from the frozen one (records dated in the
    frozen 年度 entered or changed after it was 確定), with the difference live − frozen."""
    if not edition.is_frozen:
        return []
    frozen = {f["code"]: f for f in edition.frozen or []}
    out = []
    for f in live:
        before = frozen.get(f["code"])
        if before is None or not (f["available"] and before["available"]):
            continue
        diff = f["value"] - before["value"] if isinstance(before["value"], int) \
            else float(f["value"]) - float(before["value"])
        if diff:
            out.append({**f, "frozen": before["value"], "live": f["value"], "diff": diff})
    return out


# --- writes --------------------------------------------------------------------------------

def _locked_edition(actor: Actor, fy: int) -> NationalReportEdition:
    municipality = actor.organization.municipality
    try:
        national.check_year(fy)
    except national.FutureYear as exc:
        raise ValidationError({"to_status": str(exc)}) from exc
    NationalReportEdition.objects.get_or_create(
        municipality=municipality, fiscal_year=fy,
        defaults={"template_version": national.template_version(fy)})
    return NationalReportEdition.objects.select_for_update().get(municipality=municipality,
                                                                 fiscal_year=fy)


@transaction.atomic
def edition_transition(*, actor: Actor, fiscal_year: int, to_status: str,
                       reason: str = "") -> NationalReportEdition:
    """事務局 move the 年度's report one step on, or back (any earlier step) with a reason.
    確定 needs every organization with figures and a 推進員 to have confirmed, and freezes every
    cell; 提出 keeps those values (and records them in the history)."""
    stats_policy.require_submission_manager(actor)
    edition = _locked_edition(actor, fiscal_year)
    if to_status not in STATUS_ORDER:
        raise ValidationError({"to_status": "存在しない段階です。"})
    current, target = edition.status_index, STATUS_ORDER.index(to_status)
    reason = reason.strip()
    if target == current:
        raise ValidationError({"to_status": "すでにこの段階です。"})
    if target > current + 1:
        raise ValidationError({"to_status": "段階は一つずつ進めてください。"})
    if target < current and not reason:
        raise ValidationError({"reason": "前の段階に戻すときは理由を入力してください。"})
    before = snapshot(edition)
    values = None
    if to_status == SubmissionStatus.FINAL and target > current:
        rows = confirmation_rows(edition, org_shares(edition.municipality, fiscal_year))
        waiting = [r.organization.name for r in rows if r.can_confirm and r.confirmation is None]
        if waiting:
            raise ValidationError({"to_status": f"まだ確認していない機関があります: "
                                                f"{'、'.join(waiting)}"})
        edition.frozen = _jsonable(national.national_report(edition.municipality, fiscal_year))
        edition.frozen_at = timezone.now()
        values = edition.frozen
    elif to_status == SubmissionStatus.SUBMITTED:
        values = edition.frozen
    if target < current:
        if target < STATUS_ORDER.index(SubmissionStatus.FINAL):
            edition.frozen, edition.frozen_at = None, None
        if target <= STATUS_ORDER.index(SubmissionStatus.ORG_CONFIRM):
            edition.round += 1  # the figures may change: every organization confirms again
    from_status = edition.status
    edition.status = to_status
    edition.full_clean()
    edition.save()
    NationalReportTransition.objects.create(edition=edition, from_status=from_status,
                                            to_status=to_status, reason=reason, values=values,
                                            by=actor.user)
    _audit(actor, "transition", edition, "update", before, reason,
           detail=f"{from_status} → {to_status} {reason}")
    return edition


@transaction.atomic
def confirmation_save(*, actor: Actor, fiscal_year: int, organization: Organization,
                comment: str = "") -> NationalReportConfirmation:
    """An organization's 推進員 confirm its own figures in the current round (again: the comment
    is replaced). Only for one's own organization, only while 機関確認."""
    stats_policy.require_confirmer(actor)
    if organization.pk != actor.organization_id:
        raise PermissionDenied("確認できるのは自分の機関の数字だけです。")
    edition = _locked_edition(actor, fiscal_year)
    if edition.status != SubmissionStatus.ORG_CONFIRM:
        raise ValidationError({"comment": "いまは機関確認の段階ではありません"
                                          f"（{edition.get_status_display()}）。"})
    if len(comment) > 2000:
        raise ValidationError({"comment": "コメントは2000字以内で入力してください。"})
    existing = NationalReportConfirmation.objects.filter(
        edition=edition, round=edition.round, organization=organization).first()
    before = snapshot(existing) if existing else None
    row = existing or NationalReportConfirmation(edition=edition, round=edition.round,
                                                 organization=organization)
    row.confirmed_by = actor.user
    row.comment = comment.strip()
    row.full_clean()
    row.save()
    _audit(actor, "confirm", row, "update" if existing else "create", before,
           detail=f"{fiscal_year}年度 第{edition.round}回 {row.comment}")
    return row


@transaction.atomic
def manual_value_save(*, actor: Actor, fiscal_year: int, code: str, value: int,
                      note: str = "") -> NationalReportManualValue:
    """事務局 type the value of a cell without a records source, with its note (a new row each
    time). Refused once the report is 確定 (reopen it first, with a reason)."""
    stats_policy.require_submission_manager(actor)
    cells = {c.code: c for c in national.template_for(fiscal_year) if c.manual}
    if code not in cells:
        raise ValidationError({"code": "手入力できる項目ではありません。"})
    if not 0 <= value < MANUAL_VALUE_LIMIT:
        raise ValidationError({"value": "0以上の整数で入力してください。"})
    edition = _locked_edition(actor, fiscal_year)
    if edition.status_index >= STATUS_ORDER.index(SubmissionStatus.FINAL):
        raise ValidationError({"value": f"{edition.get_status_display()}の報告は変更できません。"
                                        "変更するときは、理由を書いて前の段階に戻してください。"})
    row = NationalReportManualValue(municipality=actor.organization.municipality,
                                    fiscal_year=fiscal_year, code=code, value=value,
                                    note=note.strip(), author=actor.user)
    row.full_clean()
    row.save()
    _audit(actor, "manual", row, "create", {}, detail=f"{code} = {value} {row.note}")
    return row

