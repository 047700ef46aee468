"""Reads of sheets: definitions in force, reference labels, the coordinators' つなぐシート
inbox (records come from ``sheets.policy.visible_records``)."""

from __future__ import annotations

from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from kasane.accounts.models import CASE_ROLES, Actor, Organization, Role, User
from kasane.accounts.selectors import LIAISON_ROLES, agencies, staff_with_roles
from kasane.audit.models import ChangeRecord

from . import policy
from .models import RecordStatus, SheetAttachment, SheetDefinition, SheetImport, SheetRecord
from .validation import Refs


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
    """The version in force of one sheet for a municipality (its own version, else the
    standard) — one query: the municipality's rows sort before the standard's."""
    found = SheetDefinition.objects.filter(
        Q(municipality_id=municipality_id) | Q(municipality__isnull=True),
        code=code, is_current=True,
    ).order_by(F("municipality_id").asc(nulls_last=True), "-version").first()
    if found is None:
        raise Http404("帳票が見つかりません。")
    return found


def draft_of_form(*, actor: Actor, form_key: str) -> int | None:
    """The id of the actor's own draft started from the unsaved form ``form_key`` (its autosave
    created it), or None."""
    if not form_key:
        return None
    return (SheetRecord.objects.filter(author_id=actor.user_id, organization_id=actor.organization_id,
                                       form_key=form_key, status=RecordStatus.DRAFT)
            .values_list("pk", flat=True).first())


def ref_roles(code: str | None) -> frozenset[str]:
    """Whose staff a sheet's 担当者 fields may name (docs/ui.md「選択肢」): case roles (受付者,
    主担当者 …); on a sheet a 連絡員 may write (つなぐシート, 地域課題) also 連絡員. Never 監査,
    管理者, 委員 or 事務局 alone."""
    if code is None or code in policy.LIAISON_SHEETS:
        return CASE_ROLES | LIAISON_ROLES
    return CASE_ROLES


def _ref_sets(municipality_id: int, code: str | None) -> tuple[list[tuple[int, str]], list[User]]:
    orgs = list(agencies(municipality_id=municipality_id).values_list("pk", "name"))
    users = list(staff_with_roles(municipality_id=municipality_id, roles=ref_roles(code)))
    return orgs, users


def ref_choices(*, municipality_id: int, code: str | None) -> dict[str, list[tuple[int, str]]]:
    """The options of the ``org_ref`` / ``user_ref`` pickers of sheet ``code``: the agencies
    that take part in support (never a back office such as 情報政策課 or 監査・個人情報保護担当)
    and the staff of ``ref_roles``."""
    orgs, users = _ref_sets(municipality_id, code)
    return {"org": orgs, "user": [(u.pk, u.display_name or u.username) for u in users]}


def refs_for(*, municipality_id: int, code: str | None = None) -> Refs:
    """What the reference fields of sheet ``code`` may point at: the pickers' sets
    (``ref_choices``), so an id the picker does not offer is refused by validation."""
    orgs, users = _ref_sets(municipality_id, code)
    return Refs(org_ids={pk for pk, _ in orgs}, user_ids={u.pk for u in users},
                org_names={name: pk for pk, name in orgs},
                user_names={u.username: u.pk for u in users})


def ref_labels(*, municipality_id: int) -> dict[str, dict[int, str]]:
    """Names for rendering org_ref / user_ref answers."""
    return {
        "org": dict(Organization.objects.filter(municipality_id=municipality_id)
                    .values_list("pk", "name")),
        "user": {pk: (dn or un) for pk, dn, un in User.objects.filter(
            municipality_id=municipality_id).values_list("pk", "display_name", "username")},
    }


def liaison_inbox(*, actor: Actor, limit: int = 10) -> list[SheetRecord]:
    """Submitted つなぐシート still waiting (sent/received) for this coordinator: those the
    routing rule assigned to them and those assigned to nobody (every coordinator's), 即日
    first, then newest first."""
    if actor.role != Role.COORDINATOR:
        return []
    return list(policy.visible_records(actor).filter(definition__code=policy.LIAISON_CODE,
                                                 route_status__in=["sent", "received"])
                .filter(Q(assigned_to__isnull=True) | Q(assigned_to_id=actor.user_id))
                .select_related("definition", "organization")
                .order_by("-urgent", "-submitted_at", "-pk")[:limit])


def definition_versions(*, municipality_id: int, code: str) -> list[SheetDefinition]:
    return list(SheetDefinition.objects.filter(code=code).filter(
        Q(municipality__isnull=True) | Q(municipality_id=municipality_id))
        .order_by("municipality_id", "-version"))


def record_history(record: SheetRecord) -> list[ChangeRecord]:
    """The change history of a record the caller has loaded through ``policy.require_record``
    (part of that logged read), oldest first."""
    return list(ChangeRecord.objects.filter(model="sheets.SheetRecord", object_id=str(record.pk))
                .select_related("user").order_by("at", "id"))


def record_thumbnails(record: SheetRecord) -> dict[int, str]:
    """Thumbnails (``data:`` URIs) of the images of a record already loaded through
    ``policy.require_record``, by attachment id."""
    from .attachments import thumbnail_uri

    return {a.pk: thumbnail_uri(a) for a in
            SheetAttachment.objects.filter(record=record, thumbnail__isnull=False)}


def imports_recent(actor: Actor, *, limit: int = 10) -> list[SheetImport]:
    """The actor's own latest imports in the acting organization, newest first."""
    return list(SheetImport.objects.filter(created_by_id=actor.user_id,
                                           organization_id=actor.organization_id)[:limit])


def import_of(actor: Actor, pk: int) -> SheetImport:
    """One import of the acting organization (404 otherwise) that the actor made
    (PermissionDenied otherwise: only whoever uploaded a file maps, checks and commits it)."""
    job = get_object_or_404(SheetImport.objects.select_related("definition"), pk=pk,
                            organization_id=actor.organization_id)
    policy.require_import_owner(actor, job)
    return job
