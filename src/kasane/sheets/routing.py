"""つなぐシートの振り分け and 情報提供先: what a submit (or an edit) decides beyond the answers.

* ``route_assign``: a routed sheet (つなぐシート) gets the coordinator the municipality named for
  the sending organization (``LiaisonRoute``), when that user is still an active coordinator
  of the tenant; otherwise nobody in particular — every coordinator receives it (the fallback).
  ``urgent`` is set from 緊急性 = 即日: the inbox lists those first, flagged.
* ``shares_sync``: a sheet naming no person (地域課題) with a ``shared_with`` org_ref answer
  (情報提供先) keeps one ``SheetShare`` row per named organization, read by
  ``policy.visible_records``. Sheets about a person are never shared this way: only the
  person's legal bases share them.
* ``route_set`` / ``route_delete``: the rules, edited by 管理者・事務局 (``/sheets/routing/``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kasane.accounts.models import Actor, Membership, Organization, Role
from kasane.audit.services import change_record

from . import policy as sheet_policy
from .models import LiaisonRoute, SheetRecord, SheetShare

URGENT = "urgent"  # 緊急性 即日 (_shared.json "urgency")


def _coordinator_ok(municipality_id: int, user_id: int) -> bool:
    return Membership.objects.filter(
        user_id=user_id, role=Role.COORDINATOR, is_active=True, user__is_active=True,
        organization__municipality_id=municipality_id, organization__is_active=True).exists()


def route_assign(record: SheetRecord) -> None:
    """Set ``assigned_to`` and ``urgent`` of a routed record (not saved: the caller saves)."""
    if not record.definition.is_routed:
        return
    record.urgent = record.answers.get("urgency") == URGENT
    route = LiaisonRoute.objects.filter(municipality_id=record.municipality_id,
                                        sending_org_id=record.organization_id).first()
    ok = route is not None and _coordinator_ok(record.municipality_id, route.coordinator_id)
    record.assigned_to_id = route.coordinator_id if ok and route is not None else None


def shares_sync(record: SheetRecord) -> None:
    """Rewrite the record's ``SheetShare`` rows from its ``shared_with`` answer."""
    if record.definition.has_personal_data or record.person_id is not None:
        return
    if not any(f["key"] == "shared_with" and f["type"] == "org_ref"
               for f in record.definition.fields):
        return
    value = record.answers.get("shared_with") or []
    ids = {int(v) for v in (value if isinstance(value, list) else [value])
           if str(v).isdigit()}
    ids = set(Organization.objects.filter(pk__in=ids, municipality_id=record.municipality_id)
              .values_list("pk", flat=True))
    SheetShare.objects.filter(record=record).exclude(organization_id__in=ids).delete()
    have = set(SheetShare.objects.filter(record=record).values_list("organization_id", flat=True))
    SheetShare.objects.bulk_create([SheetShare(record=record, organization_id=pk)
                                    for pk in sorted(ids - have)])


def can_edit_routes(actor: Actor | None) -> bool:
    return sheet_policy.can_edit_definitions(actor)


def require_route_editor(actor: Actor | None) -> Actor:
    if actor is None or not can_edit_routes(actor):
        raise PermissionDenied("つなぐシートの振り分けを変更できるのは管理者・事務局だけです。")
    return actor


def routes(*, municipality_id: int) -> list[LiaisonRoute]:
    return list(LiaisonRoute.objects.filter(municipality_id=municipality_id)
                .select_related("sending_org", "coordinator"))


def route_set(*, actor: Actor | None, sending_org_id: object, coordinator_id: object) -> LiaisonRoute:
    """Name the coordinator for one sending organization (replaces an earlier rule)."""
    actor = require_route_editor(actor)
    muni = actor.organization.municipality_id
    errors: dict[str, str] = {}
    org = Organization.objects.filter(pk=_int(sending_org_id), municipality_id=muni).first()
    if org is None:
        errors["sending_org"] = "送信元の機関を選んでください。"
    cid = _int(coordinator_id)
    if not cid or not _coordinator_ok(muni, cid):
        errors["coordinator"] = "担当の推進員を選んでください。"
    if errors:
        raise ValidationError(errors)
    assert org is not None
    with transaction.atomic():
        route = LiaisonRoute.objects.select_for_update().filter(
            municipality_id=muni, sending_org=org).first()
        before = None if route is None else {"coordinator": route.coordinator_id}
        if route is None:
            route = LiaisonRoute(municipality_id=muni, sending_org=org)
        route.coordinator_id = cid
        route.save()
        change_record(user=actor.user, instance=route,
                      operation="create" if before is None else "update", before=before,
                      after={"sending_org": org.pk, "coordinator": cid},
                      organization_id=actor.organization_id)
    return route


def route_delete(*, actor: Actor | None, route_id: object) -> None:
    actor = require_route_editor(actor)
    route = LiaisonRoute.objects.filter(pk=_int(route_id),
                                        municipality_id=actor.organization.municipality_id).first()
    if route is None:
        return
    with transaction.atomic():
        change_record(user=actor.user, instance=route, operation="delete",
                      before={"sending_org": route.sending_org_id,
                              "coordinator": route.coordinator_id}, after={},
                      organization_id=actor.organization_id)
        route.delete()


def _int(value: object) -> int:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else 0
