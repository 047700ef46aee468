"""人材バンク: volunteers and 福祉カレッジ graduates registered by an organization (the 社協),
a place's request for helpers, a volunteer's assignment to a place, CSW 伴走 notes and hours.

Registrants' details are personal data: written by case-role members of the registering
organization (or a 推進員), read through ``policy.require_volunteer``; every write leaves a
ChangeRecord.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kasane.access import policy as access_policy
from kasane.accounts.models import Actor
from kasane.areas.models import Area
from kasane.audit.services import change_record, snapshot
from kasane.core.ids import as_id
from kasane.core.locking import check_version
from kasane.resources.models import Place, PlaceKind

from .. import policy
from ..models import (
    Assignment,
    AssignmentStatus,
    CompanionNote,
    Day,
    HelpRequest,
    HoursLog,
    TimeBand,
    Volunteer,
    VolunteerKind,
)
from .common import as_date


def _user(actor: Actor) -> Actor:
    if not policy.may_use_bank(actor):
        access_policy.log_denied(actor, "search", detail="人材バンク")
        raise PermissionDenied(policy.NOT_BANK)
    return actor


def _place(actor: Actor, place_id: object, field: str = "place") -> Place:
    pid = as_id(place_id)
    found = Place.objects.filter(municipality_id=access_policy.tenant_id(actor),
                                 pk=pid).first() if pid else None
    if found is None:
        raise ValidationError({field: "場を選んでください。"})
    return found


def _codes(values: Any, allowed: list[str], field: str) -> list[str]:
    codes = list(dict.fromkeys(str(v) for v in (values or [])))
    if any(c not in allowed for c in codes):
        raise ValidationError({field: "選べない値が含まれています。"})
    return codes


def _volunteer_values(actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "氏名を入力してください。"})
    kind = str(data.get("kind") or VolunteerKind.VOLUNTEER)
    if kind not in VolunteerKind.values:
        raise ValidationError({"kind": "区分を選んでください。"})
    area = data.get("area")
    area_id = getattr(area, "pk", area)
    found = None
    if area_id not in (None, ""):
        found = Area.objects.filter(pk=area_id, municipality_id=access_policy.tenant_id(actor)).first()
        if found is None:
            raise ValidationError({"area": "圏域を選んでください。"})
    courses = data.get("courses") or []
    if isinstance(courses, str):
        courses = [c.strip() for c in courses.replace("、", "\n").splitlines() if c.strip()]
    return {"name": name[:100], "name_kana": str(data.get("name_kana") or "").strip()[:100],
            "kind": kind, "phone": str(data.get("phone") or "").strip()[:30],
            "courses": [str(c)[:100] for c in courses][:30],
            "interests": str(data.get("interests") or "").strip()[:2000],
            "kinds": _codes(data.get("kinds"), PlaceKind.values, "kinds"),
            "days": _codes(data.get("days"), Day.values, "days"),
            "time_bands": _codes(data.get("time_bands"), TimeBand.values, "time_bands"),
            "area": found, "active": bool(data.get("active", True))}


def volunteer_save(*, actor: Actor, data: Mapping[str, Any], volunteer: Volunteer | None = None,
                   expected_version: int | None = None) -> Volunteer:
    """Register a volunteer for the actor's organization, or update one the actor may see."""
    _user(actor)
    values = _volunteer_values(actor, data)
    with transaction.atomic():
        if volunteer is None:
            v = Volunteer(municipality_id=access_policy.tenant_id(actor),
                          registered_by_org=actor.organization, created_by=actor.user, **values)
            v.full_clean()
            v.save()
            change_record(user=actor.user, instance=v, operation="create",
                          organization_id=actor.organization_id)
            return v
        if not policy.visible_volunteers(actor).filter(pk=volunteer.pk).exists():
            raise PermissionDenied(policy.NOT_BANK)
        v = check_version(volunteer, expected_version)
        before = snapshot(v)
        for name, value in values.items():
            setattr(v, name, value)
        v.lock_version += 1
        v.full_clean()
        v.save()
        change_record(user=actor.user, instance=v, operation="update", before=before,
                      organization_id=actor.organization_id)
        return v


def help_request_create(*, actor: Actor, place_id: object, title: str, detail: str = "",
                        days: list[str] | None = None, time_bands: list[str] | None = None,
                        wanted: int = 1) -> HelpRequest:
    """A place asks for helpers (recorded by the 社協 on its behalf). No personal data."""
    _user(actor)
    place = _place(actor, place_id)
    if not title.strip():
        raise ValidationError({"title": "募集の内容を入力してください。"})
    if wanted < 1:
        raise ValidationError({"wanted": "募集人数は1人以上にしてください。"})
    row = HelpRequest(municipality_id=place.municipality_id, place=place, title=title.strip()[:200],
                      detail=detail.strip(), days=_codes(days, Day.values, "days"),
                      time_bands=_codes(time_bands, TimeBand.values, "time_bands"),
                      wanted=wanted, created_by=actor.user)
    row.full_clean()
    row.save()
    return row


def assignment_create(*, actor: Actor, volunteer: Volunteer, place_id: object,
                      help_request_id: object = None) -> Assignment:
    """Introduce a volunteer to a place (紹介中)."""
    _user(actor)
    place = _place(actor, place_id)
    req = None
    if help_request_id not in (None, ""):
        rid = as_id(help_request_id)
        req = HelpRequest.objects.filter(pk=rid, place=place).first() if rid else None
        if req is None:
            raise ValidationError({"help_request": "この場の募集を選んでください。"})
    if Assignment.objects.filter(volunteer=volunteer, place=place).exclude(
            status=AssignmentStatus.ENDED).exists():
        raise ValidationError({"place": f"{place.name}には既に紹介・活動しています。"})
    with transaction.atomic():
        row = Assignment(volunteer=volunteer, place=place, help_request=req)
        row.full_clean()
        row.save()
        change_record(user=actor.user, instance=row, operation="create",
                      organization_id=actor.organization_id)
    return row


def assignment_set_status(*, actor: Actor, assignment: Assignment, status: str,
                          on: object = None) -> Assignment:
    """紹介中 → 活動中 → 終了 (dates kept)."""
    _user(actor)
    if status not in (AssignmentStatus.ACTIVE, AssignmentStatus.ENDED):
        raise ValidationError({"status": "状態を選んでください。"})
    day = as_date(on or timezone.localdate(), "on", "日付")
    assert day is not None
    with transaction.atomic():
        row = Assignment.objects.select_for_update().get(pk=assignment.pk)
        before = snapshot(row)
        if status == AssignmentStatus.ACTIVE:
            row.started_on = day
        else:
            if row.started_on and day < row.started_on:
                raise ValidationError({"on": "終了日は開始日以降の日付にしてください。"})
            row.ended_on = day
        row.status = status
        row.save()
        change_record(user=actor.user, instance=row, operation="update", before=before,
                      organization_id=actor.organization_id)
    return row


def note_add(*, actor: Actor, volunteer: Volunteer, text: str, on: object = None) -> CompanionNote:
    """CSW 伴走 note."""
    _user(actor)
    if not text.strip():
        raise ValidationError({"text": "内容を入力してください。"})
    day = as_date(on or timezone.localdate(), "on", "日付")
    assert day is not None
    with transaction.atomic():
        row = CompanionNote(volunteer=volunteer, on=day, text=text.strip()[:4000],
                            user=actor.user, organization=actor.organization)
        row.full_clean()
        row.save()
        change_record(user=actor.user, instance=row, operation="create",
                      organization_id=actor.organization_id)
    return row


def hours_log(*, actor: Actor, volunteer: Volunteer, on: object, hours: object,
              place_id: object = None, note: str = "") -> HoursLog:
    """Hours contributed on a day (0 < hours ≤ 24)."""
    _user(actor)
    day = as_date(on, "on", "日付")
    assert day is not None
    if day > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({"on": "先の日付の活動時間は記録できません。"})
    try:
        amount = Decimal(str(hours))
    except InvalidOperation:
        raise ValidationError({"hours": "時間は数字で入力してください（例：2.5）。"}) from None
    if not (Decimal(0) < amount <= Decimal(24)):
        raise ValidationError({"hours": "時間は0より大きく24以下で入力してください。"})
    place = _place(actor, place_id) if place_id not in (None, "") else None
    with transaction.atomic():
        row = HoursLog(volunteer=volunteer, place=place, on=day, hours=amount,
                       note=note.strip()[:200], recorded_by=actor.user)
        row.full_clean()
        row.save()
        change_record(user=actor.user, instance=row, operation="create",
                      organization_id=actor.organization_id)
    return row
