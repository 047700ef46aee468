"""The person's wishes and conditions on a case (やりたいこと, 参加の形, 曜日・時間帯, 圏域, 配慮)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kasane.access import policy as access_policy
from kasane.accounts.models import Actor
from kasane.areas.models import Area
from kasane.audit.services import change_record, snapshot
from kasane.cases.models import Case
from kasane.core.locking import check_version
from kasane.resources.models import PlaceKind

from ..models import Day, Role, TimeBand, Transport, Wish
from .common import require_manager, subject_of, timeline

LIST_FIELDS = {"roles": Role.values, "days": Day.values, "time_bands": TimeBand.values}
TEXT_FIELDS = ("wants", "strengths", "considerations")
WISH_FIELDS = (*TEXT_FIELDS, *LIST_FIELDS, "kinds", "area", "transport", "needs_accessibility",
               "needs_escort", "max_cost")


def _codes(values: Any, allowed: list[str], field: str) -> list[str]:
    codes = [str(v) for v in (values or [])]
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise ValidationError({field: f"選べない値です: {', '.join(unknown)}"})
    return list(dict.fromkeys(codes))


def _clean(actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: str(data.get(k) or "").strip() for k in TEXT_FIELDS}
    if not out["wants"]:
        raise ValidationError({"wants": "やりたいことを入力してください。"})
    for name, allowed in LIST_FIELDS.items():
        out[name] = _codes(data.get(name), allowed, name)
    if not out["roles"]:
        raise ValidationError({"roles": "参加の形を1つ以上選んでください。"})
    out["kinds"] = _codes(data.get("kinds"), PlaceKind.values, "kinds")
    transport = str(data.get("transport") or "")
    if transport and transport not in Transport.values:
        raise ValidationError({"transport": "移動手段を選んでください。"})
    out["transport"] = transport
    area = data.get("area")
    area_id = getattr(area, "pk", area)
    out["area"] = None
    if area_id not in (None, ""):
        out["area"] = Area.objects.filter(pk=area_id, municipality_id=access_policy.tenant_id(
            actor)).first()
        if out["area"] is None:
            raise ValidationError({"area": "圏域を選んでください。"})
    out["needs_accessibility"] = bool(data.get("needs_accessibility"))
    out["needs_escort"] = bool(data.get("needs_escort")) or transport == Transport.ESCORT
    cost = data.get("max_cost")
    if cost in (None, ""):
        out["max_cost"] = None
    elif not str(cost).isdigit():
        raise ValidationError({"max_cost": "費用の上限は0以上の整数（円）で入力してください。"})
    else:
        out["max_cost"] = int(str(cost))
    return out


def wish_save(*, actor: Actor, case: Case, person_id: object, data: Mapping[str, Any],
              expected_version: int | None = None, source_record_id: int | None = None) -> Wish:
    """Record or update the person's wishes on the case (one per case and person); the
    timeline notes it. A stale ``expected_version`` raises ``Conflict``."""
    require_manager(actor, case)
    pid = subject_of(case, person_id)
    values = _clean(actor, data)
    with transaction.atomic():
        found = Wish.objects.filter(case=case, person_id=pid).first()
        if found is None:
            wish = Wish(municipality_id=case.municipality_id, case=case, person_id=pid,
                        updated_by=actor.user, updated_by_org=actor.organization,
                        source_record_id=source_record_id, **values)
            wish.full_clean()
            wish.save()
            change_record(user=actor.user, instance=wish, operation="create",
                          organization_id=actor.organization_id)
            timeline(case, actor, f"参加の希望を記録：{values['wants'][:80]}")
            return wish
        wish = check_version(found, expected_version)
        if all(getattr(wish, k) == v for k, v in values.items()):
            return wish
        before = snapshot(wish)
        for name, value in values.items():
            setattr(wish, name, value)
        wish.updated_by, wish.updated_by_org = actor.user, actor.organization
        wish.updated_at = timezone.now()
        wish.lock_version += 1
        if source_record_id:
            wish.source_record_id = source_record_id
        wish.full_clean()
        wish.save()
        change_record(user=actor.user, instance=wish, operation="update", before=before,
                      organization_id=actor.organization_id)
        timeline(case, actor, f"参加の希望を更新：{values['wants'][:80]}")
    return wish
