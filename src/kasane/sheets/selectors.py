"""Reads of sheets: definitions in force, and the ONE record-visibility rule.

``records_visible_to(actor)`` is the only place deciding which records a membership may
see; for records of *another* organization that name a person it defers to
``kasane.access.policy`` (the person must be visible to the actor), and the basis logged for
such reads comes from the policy.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kasane.access import policy
from kasane.accounts.models import CASE_ROLES, Membership, Organization, Role, User
from kasane.audit.models import Basis
from kasane.audit.services import access_log, access_log_many

from .masking import restricted_record_ids
from .models import RecordStatus, SheetAttachment, SheetDefinition, SheetRecord
from .validation import Refs

LIAISON_CODE = "liaison"
# Roles that may write sheets; a 連絡員 writes only these.
LIAISON_SHEETS = frozenset({LIAISON_CODE, "area_issue"})
DEFINITION_EDITORS = frozenset({Role.ADMIN, Role.SECRETARIAT})


def _muni_id(actor: Membership) -> int:
    return actor.organization.municipality_id


def definitions_current(*, municipality_id: int) -> list[SheetDefinition]:
    """The version in force of every sheet: a municipality's own version wins over the standard."""
    rows = SheetDefinition.objects.filter(
        Q(municipality__isnull=True) | Q(municipality_id=municipality_id), is_current=True)
    by_code: dict[str, SheetDefinition] = {}
    for d in rows:
        if d.code not in by_code or d.municipality_id is not None:
            by_code[d.code] = d
    from .schema import STANDARD_CODES

    order = {code: i for i, code in enumerate(STANDARD_CODES)}
    return sorted(by_code.values(), key=lambda d: (order.get(d.code, 99), d.code))


def definition_current(*, municipality_id: int, code: str) -> SheetDefinition:
    """The version in force of one sheet for a municipality (its own version, else the standard)."""
    current = SheetDefinition.objects.filter(code=code, is_current=True)
    found = (current.filter(municipality_id=municipality_id).first()
             or current.filter(municipality__isnull=True).first())
    if found is None:
        raise Http404("帳票が見つかりません。")
    return found


def may_write(actor: Membership | None, code: str) -> bool:
    if actor is None or not actor.is_active:
        return False
    if actor.role in CASE_ROLES:
        return True
    return actor.role == Role.LIAISON and code in LIAISON_SHEETS


def require_write(actor: Membership | None, code: str) -> Membership:
    if actor is None or not may_write(actor, code):
        raise PermissionDenied("この帳票を記入する権限がありません。")
    return actor


def records_visible_to(actor: Membership | None) -> QuerySet[SheetRecord]:
    """Records ``actor`` may see (the rule; moves into kasane.access.policy later):

    - CASE_ROLES: submitted records of their own organization (basis own_record) and their
      own drafts;
    - a coordinator also: submitted つなぐシート of the municipality (they are routed to the
      coordinators' inbox; basis consent — written with the person's agreement);
    - a 連絡員 (liaison): only records they wrote;
    - nobody else (admin, auditor, secretariat, committee) sees record content.

    Person link: a record of *another* organization that names a person (``person_id``) is
    shown only while ``access.policy`` lets the actor see that person (a withdrawn consent
    hides the routed sheet again). Records of the actor's own organization stay visible
    whatever happens to grants: the answers are the organization's own record — what it
    typed itself, basis ``own_record`` (docs/access.md: personal data belongs to the
    organization that recorded it). Showing them does not disclose anything another
    organization holds; the link to the core Person opens only through ``require_person``,
    and 閲覧制限 masking (``masking``) applies on every output.
    """
    none = SheetRecord.objects.none()
    if actor is None or not actor.is_active:
        return none
    base = SheetRecord.objects.filter(municipality_id=_muni_id(actor))
    mine = Q(author_id=actor.user_id, organization_id=actor.organization_id)
    if actor.role == Role.LIAISON:
        return base.filter(mine)
    if actor.role not in CASE_ROLES:
        return none
    rule = Q(organization_id=actor.organization_id, status=RecordStatus.SUBMITTED) | (
        mine & Q(status=RecordStatus.DRAFT))
    if actor.role == Role.COORDINATOR:
        person_ok = Q(person_id__isnull=True) | Q(
            person_id__in=policy.visible_persons(actor).values("pk"))
        rule |= Q(definition__code=LIAISON_CODE, status=RecordStatus.SUBMITTED) & person_ok
    return base.filter(rule)


def basis_for(actor: Membership, record: SheetRecord, *,
              person_bases: dict[int, str] | None = None) -> str:
    """The basis a read of ``record`` is logged with (``person_bases``: from ``policy.bases_for``)."""
    if not record.definition.has_personal_data:
        return Basis.NOT_PERSONAL
    if record.organization_id == actor.organization_id:
        return Basis.OWN_RECORD
    if record.person_id is None:
        return Basis.CONSENT  # an unbound routed つなぐシート: written with the person's agreement
    if person_bases is None:
        person_bases = policy.bases_for(actor, [record.person_id])
    return person_bases.get(record.person_id, Basis.DENIED)


def record_get(*, actor: Membership | None, pk: int, action: str = "sheet_record_view") -> SheetRecord:
    """One visible record, with its read logged; an invisible one is a logged denial + 404."""
    record = (records_visible_to(actor).select_related("definition", "organization", "author")
              .filter(pk=pk).first())
    user = actor.user if actor is not None else None
    if record is None:
        if actor is not None and SheetRecord.objects.filter(pk=pk).exists():
            access_log(user=user, action=action, basis=Basis.DENIED,
                       organization_id=actor.organization_id, object_type="sheet_record",
                       object_id=pk)
        raise Http404("記録が見つかりません。")
    assert actor is not None
    access_log(user=user, action=action, basis=basis_for(actor, record),
               organization_id=actor.organization_id, object_type="sheet_record",
               object_id=record.pk, person_id=record.person_id)
    return record


def attachment_get(*, actor: Membership | None, pk: int) -> SheetAttachment:
    """An attachment readable with exactly the access decision of its record (the same rule and
    basis as ``record_get``); logged as a read of the attachment, a denial + 404 otherwise.
    An upload no record has claimed yet is not readable (only its id and name are known)."""
    att = SheetAttachment.objects.filter(pk=pk, record__isnull=False).first()
    record = None if att is None or att.record_id is None else (
        records_visible_to(actor).select_related("definition").filter(pk=att.record_id).first())
    user = actor.user if actor is not None else None
    if att is None or record is None:
        if actor is not None and SheetAttachment.objects.filter(pk=pk).exists():
            access_log(user=user, action="sheet_attachment_view", basis=Basis.DENIED,
                       organization_id=actor.organization_id, object_type="sheet_attachment",
                       object_id=pk)
        raise Http404("添付ファイルが見つかりません。")
    assert actor is not None
    if record.pk in restricted_record_ids(actor, [record]):
        access_log(user=user, action="sheet_attachment_view", basis=Basis.DENIED,
                   organization_id=actor.organization_id, object_type="sheet_attachment",
                   object_id=att.pk, person_id=record.person_id, detail="閲覧制限")
        raise PermissionDenied("閲覧制限のため、この添付ファイルは表示できません。")
    access_log(user=user, action="sheet_attachment_view", basis=basis_for(actor, record),
               organization_id=actor.organization_id, object_type="sheet_attachment",
               object_id=att.pk, person_id=record.person_id, detail=f"記録 {record.pk}")
    att.record = record
    return att


def log_list(*, actor: Membership, records: list[SheetRecord], action: str = "sheet_record_list") -> None:
    others = {r.person_id for r in records
              if r.person_id is not None and r.organization_id != actor.organization_id}
    bases = policy.bases_for(actor, others) if others else {}
    access_log_many(user=actor.user, action=action, organization_id=actor.organization_id,
                    entries=[("sheet_record", r.pk, r.person_id,
                              basis_for(actor, r, person_bases=bases)) for r in records])


def refs_for(*, municipality_id: int) -> Refs:
    orgs = list(Organization.objects.filter(municipality_id=municipality_id, is_active=True)
                .values_list("pk", "name"))
    users = list(User.objects.filter(municipality_id=municipality_id, is_active=True)
                 .values_list("pk", "username"))
    return Refs(org_ids={pk for pk, _ in orgs}, user_ids={pk for pk, _ in users},
                org_names={name: pk for pk, name in orgs},
                user_names={name: pk for pk, name in users})


def ref_labels(*, municipality_id: int) -> dict[str, dict[int, str]]:
    """Names for rendering org_ref / user_ref answers."""
    return {
        "org": dict(Organization.objects.filter(municipality_id=municipality_id)
                    .values_list("pk", "name")),
        "user": {pk: (dn or un) for pk, dn, un in User.objects.filter(
            municipality_id=municipality_id).values_list("pk", "display_name", "username")},
    }


def liaison_inbox(*, actor: Membership, limit: int = 10) -> list[SheetRecord]:
    """Submitted つなぐシート still waiting (sent/received) for a coordinator."""
    if actor.role != Role.COORDINATOR:
        return []
    return list(records_visible_to(actor).filter(definition__code=LIAISON_CODE,
                                                 route_status__in=["sent", "received"])
                .select_related("definition", "organization").order_by("-submitted_at")[:limit])


def may_edit_definitions(actor: Membership | None) -> bool:
    return actor is not None and actor.is_active and actor.role in DEFINITION_EDITORS


def require_definition_editor(actor: Membership | None) -> Membership:
    if actor is None or not may_edit_definitions(actor):
        raise PermissionDenied("帳票の定義を編集する権限がありません（管理者・事務局のみ）。")
    return actor


def definition_versions(*, municipality_id: int, code: str) -> list[SheetDefinition]:
    return list(SheetDefinition.objects.filter(code=code).filter(
        Q(municipality__isnull=True) | Q(municipality_id=municipality_id))
        .order_by("municipality_id", "-version"))


def user_name(user: Any) -> str:
    return str(user) if user is not None else ""
