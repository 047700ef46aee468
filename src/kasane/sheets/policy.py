"""Who may see and write sheet records (DESIGN.md §5), built on ``access.policy``.

``visible_records(actor)`` is the one rule for which records a membership may see: own
organization's submitted records and own drafts (case roles), a 連絡員's own submissions,
and — for another organization's record that names a person — only while ``access.policy``
lets the actor see that person. Reads are logged with their basis (``require_record``,
``log_records_listed``), denials too.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kasane.access import policy
from kasane.accounts.models import CASE_ROLES, Actor, Role
from kasane.audit.models import Basis
from kasane.audit.services import access_log, access_log_many

from .masking import restricted_record_ids
from .models import RecordStatus, SheetAttachment, SheetRecord

LIAISON_CODE = "liaison"
# Roles that may write sheets; a 連絡員 writes only these.
LIAISON_SHEETS = frozenset({LIAISON_CODE, "area_issue"})
DEFINITION_EDITORS = frozenset({Role.ADMIN, Role.SECRETARIAT})


def can_write(actor: Actor | None, code: str) -> bool:
    if actor is None or not actor.is_active:
        return False
    if actor.role in CASE_ROLES:
        return True
    return actor.role == Role.LIAISON and code in LIAISON_SHEETS


def require_write(actor: Actor | None, code: str) -> Actor:
    if actor is None or not can_write(actor, code):
        raise PermissionDenied("この帳票を記入する権限がありません。")
    return actor


def visible_records(actor: Actor | None) -> QuerySet[SheetRecord]:
    """Records ``actor`` may see :

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
    base = SheetRecord.objects.filter(municipality_id=policy.tenant_id(actor))
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


def basis_for(actor: Actor, record: SheetRecord, *,
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


def require_record(*, actor: Actor | None, pk: int, action: str = "sheet_record_view") -> SheetRecord:
    """One visible record, with its read logged; an invisible one is a logged denial + 404."""
    record = (visible_records(actor).select_related("definition", "organization", "author")
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


def require_attachment(*, actor: Actor | None, pk: int) -> SheetAttachment:
    """An attachment readable with exactly the access decision of its record (the same rule and
    basis as ``record_get``); logged as a read of the attachment, a denial + 404 otherwise.
    An upload no record has claimed yet is not readable (only its id and name are known)."""
    att = SheetAttachment.objects.filter(pk=pk, record__isnull=False).first()
    record = None if att is None or att.record_id is None else (
        visible_records(actor).select_related("definition").filter(pk=att.record_id).first())
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


def log_records_listed(*, actor: Actor, records: list[SheetRecord], action: str = "sheet_record_list") -> None:
    others = {r.person_id for r in records
              if r.person_id is not None and r.organization_id != actor.organization_id}
    bases = policy.bases_for(actor, others) if others else {}
    access_log_many(user=actor.user, action=action, organization_id=actor.organization_id,
                    entries=[("sheet_record", r.pk, r.person_id,
                              basis_for(actor, r, person_bases=bases)) for r in records])


def can_edit_definitions(actor: Actor | None) -> bool:
    return actor is not None and actor.is_active and actor.role in DEFINITION_EDITORS


def require_definition_editor(actor: Actor | None) -> Actor:
    if actor is None or not can_edit_definitions(actor):
        raise PermissionDenied("帳票の定義を編集する権限がありません（管理者・事務局のみ）。")
    return actor




def can_use_sheets(actor: Actor | None) -> bool:
    """Case roles and 連絡員 use the sheet screens; other roles never see record content."""
    return actor is not None and actor.is_active and (
        actor.role in CASE_ROLES or actor.role == Role.LIAISON)


def require_sheet_user(actor: Actor | None) -> Actor:
    if actor is None or not can_use_sheets(actor):
        raise PermissionDenied("帳票を利用する権限がありません。")
    return actor


def can_exchange(actor: Actor | None) -> bool:
    """Export and import of records: case roles only."""
    return actor is not None and actor.is_active and actor.role in CASE_ROLES


def require_exchange(actor: Actor | None) -> Actor:
    if actor is None or not can_exchange(actor):
        raise PermissionDenied("出力・取り込みは相談員・推進員だけが行えます。")
    return actor


def can_edit_record(actor: Actor, record: SheetRecord) -> bool:
    """A draft: its author; a submitted record: case-role staff of the recording organization."""
    if record.status == RecordStatus.DRAFT:
        return record.author_id == actor.user_id
    return record.organization_id == actor.organization_id and actor.role in CASE_ROLES


def require_edit_record(actor: Actor, record: SheetRecord) -> None:
    if can_edit_record(actor, record):
        return
    if record.status == RecordStatus.DRAFT:
        raise PermissionDenied("下書きは記入者本人だけが編集できます。")
    raise PermissionDenied("提出済みの記録を修正できるのは記録した機関の相談員だけです。")


def can_route(actor: Actor, record: SheetRecord) -> bool:
    """推進員 move a submitted routed sheet (つなぐシート) on."""
    return (actor.role == Role.COORDINATOR and record.definition.is_routed
            and record.status == RecordStatus.SUBMITTED)


def can_bind_person(actor: Actor | None) -> bool:
    """推進員 bind a sheet that names no person yet (a 連絡員's つなぐシート) to a Person."""
    return actor is not None and actor.is_active and actor.role == Role.COORDINATOR
