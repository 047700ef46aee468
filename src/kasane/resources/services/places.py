"""Writing providers and places: policy check → transaction → validate/write → audit rows.

A place's area is derived from its address through the areas table (never typed); when the
table changes (``areas.address_table_changed``) every place of the tenant is derived again.
Capacity below the current participants, an age range upside down, a bad e-mail or URL are
refused with a Japanese message at the field; nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models, transaction
from django.utils import timezone

from kasane.accounts.models import Actor, Organization
from kasane.areas.models import AreaKind
from kasane.areas.selectors import AddressTable
from kasane.audit.models import Basis
from kasane.audit.services import access_log, change_record, snapshot
from kasane.core.text import normalize_address

from .. import policy
from ..models import Place, PlaceKind, PlaceSchedule, PlaceStatus, Provider, Weekday

EDITABLE_FIELDS = (
    "name", "kind", "description", "address", "latitude", "longitude", "schedule_note",
    "capacity", "current_participants", "age_min", "age_max", "eligibility", "accessibility",
    "cost", "pickup", "pickup_note", "offers_participation", "offers_role", "offers_work_trial",
    "offers_work", "contact_name", "phone", "email", "url", "opened_on", "closed_on",
    "developed_on",
)
ROLE_FIELD_NAMES = ("offers_participation", "offers_role", "offers_work_trial", "offers_work")
_TEXT_LIMITS = {f.name: f.max_length for f in Place._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField) and f.max_length}


@dataclass(frozen=True)
class ScheduleIn:
    weekday: str
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    note: str = ""
    hsds_id: uuid.UUID | None = None


def snap(instance: models.Model) -> dict[str, Any]:
    """The audit snapshot of a directory row (its HSDS UUIDs left out: ids, not content)."""
    return snapshot(instance, [f.attname for f in instance._meta.concrete_fields
                               if not isinstance(f, models.UUIDField)])


def _write_log(actor: Actor | None, action: str, instance: models.Model, operation: str,
           before: dict[str, Any] | None, detail: str = "") -> None:
    user = actor.user if actor else None
    org_id = actor.organization_id if actor else None
    access_log(user=user, action=f"resources.{action}", basis=Basis.NOT_PERSONAL,
               organization_id=org_id, object_type=instance._meta.label,
               object_id=instance.pk, detail=detail[:500])
    change_record(user=user, instance=instance, operation=operation, before=before,
                  after=snap(instance), organization_id=org_id)


# ---------------------------------------------------------------------------
# validation (shared with the survey import and HSDS import)
# ---------------------------------------------------------------------------

def check_place_values(values: dict[str, Any]) -> dict[str, str]:
    """Field → Japanese message for every problem in a place's values (empty when valid)."""
    errors: dict[str, str] = {}
    if "name" in values and not str(values["name"] or "").strip():
        errors["name"] = "名称を入力してください。"
    if "kind" in values and values["kind"] not in PlaceKind.values:
        errors["kind"] = "種類を一覧から選んでください。"
    for name, limit in _TEXT_LIMITS.items():
        text = values.get(name)
        if isinstance(text, str) and len(text) > limit:
            errors[name] = f"{limit}文字以内で入力してください（いまは{len(text)}文字）。"
    _check_numbers(values, errors)
    _check_contact(values, errors)
    _check_dates(values, errors)
    return errors


def _check_dates(values: dict[str, Any], errors: dict[str, str]) -> None:
    today = timezone.localdate()
    for name in ("closed_on", "developed_on"):
        value = values.get(name)
        if isinstance(value, dt.date) and value > today:
            errors[name] = "未来の日付は入力できません。"
    opened, closed = values.get("opened_on"), values.get("closed_on")
    if isinstance(opened, dt.date) and isinstance(closed, dt.date) and closed < opened \
            and "closed_on" not in errors:
        errors["closed_on"] = "休止・終了日は開設日より後にしてください。"


def _check_numbers(values: dict[str, Any], errors: dict[str, str]) -> None:
    for name in ("capacity", "current_participants", "age_min", "age_max"):
        value = values.get(name)
        if value is not None and (not isinstance(value, int) or value < 0):
            errors[name] = "0以上の整数で入力してください。"
    capacity, current = values.get("capacity"), values.get("current_participants")
    if ("capacity" not in errors and "current_participants" not in errors
            and isinstance(capacity, int) and isinstance(current, int) and capacity < current):
        errors["capacity"] = (f"定員（{capacity}人）が現在の参加者数（{current}人）より少なく"
                              "なっています。定員か参加者数を見直してください。")
    age_min, age_max = values.get("age_min"), values.get("age_max")
    if (isinstance(age_min, int) and isinstance(age_max, int) and age_min > age_max
            and "age_min" not in errors):
        errors["age_max"] = "対象年齢の上限は下限以上にしてください。"
    for name, bound in (("latitude", 90), ("longitude", 180)):
        value = values.get(name)
        if value is None or value == "":
            continue
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            errors[name] = "数字で入力してください。"
            continue
        if not -bound <= number <= bound:
            errors[name] = f"-{bound}〜{bound}の範囲で入力してください。"


def _check_contact(values: dict[str, Any], errors: dict[str, str]) -> None:
    if values.get("email"):
        try:
            EmailValidator()(values["email"])
        except ValidationError:
            errors["email"] = "メールアドレスの形式で入力してください。"
    if values.get("url"):
        try:
            URLValidator(schemes=["http", "https"])(values["url"])
        except ValidationError:
            errors["url"] = "http:// または https:// で始まるアドレスを入力してください。"


def derive_area(place: Place, table: AddressTable | None = None) -> None:
    place.address_key = normalize_address(place.address or "")
    table = table or AddressTable(place.municipality_id)
    place.area = table.lookup_key(place.address_key, AreaKind.DAILY_LIFE_AREA)


# ---------------------------------------------------------------------------
# providers and places
# ---------------------------------------------------------------------------

def provider_save(*, actor: Actor, name: str, description: str = "", email: str = "",
                  url: str = "", phone: str = "", organization: Organization | None = None,
                  provider: Provider | None = None) -> Provider:
    """Create or change a provider (HSDS organization); ``organization`` links it to a
    system organization of the same tenant."""
    policy.require_edit(actor)
    muni_id = policy.tenant_id(actor)
    if organization is not None and organization.municipality_id != muni_id:
        raise ValidationError({"organization": "組織が見つかりません。"})
    errors = {k: v for k, v in check_place_values({"email": email, "url": url}).items()}
    if not name.strip():
        errors["name"] = "団体名を入力してください。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snap(provider) if provider else None
        target = provider or Provider(municipality_id=muni_id)
        if target.municipality_id != muni_id:
            raise ValidationError("この団体は見つかりません。")
        target.name, target.description = name.strip(), description.strip()
        target.email, target.url, target.phone = email.strip(), url.strip(), phone.strip()
        target.organization = organization
        target.save()
        _write_log(actor, "provider.save", target, "update" if provider else "create", before)
    return target


def place_save(*, actor: Actor, provider: Provider, values: dict[str, Any],
               place: Place | None = None,
               schedules: list[ScheduleIn] | None = None) -> Place:
    """Create a place (draft) or change ``place``: ``values`` holds EDITABLE_FIELDS (others are
    refused); ``schedules`` replaces the weekly rows when given. The area is derived."""
    policy.require_edit(actor)
    muni_id = policy.tenant_id(actor)
    if provider.municipality_id != muni_id or (place and place.municipality_id != muni_id):
        raise ValidationError("この社会資源は見つかりません。")
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    merged = {name: getattr(place, name) for name in EDITABLE_FIELDS} if place else {}
    merged.update(values)
    errors = check_place_values(merged)
    errors.update(_check_schedules(schedules or []))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snap(place) if place else None
        target = place or Place(municipality_id=muni_id)
        target.provider = provider
        for name, value in values.items():
            setattr(target, name, value)
        derive_area(target)
        target.save()
        if schedules is not None:
            replace_schedules(target, schedules)
        _write_log(actor, "place.save", target, "update" if place else "create", before)
    return target


def _check_schedules(schedules: list[ScheduleIn]) -> dict[str, str]:
    for s in schedules:
        if s.weekday not in Weekday.values:
            return {"schedules": "曜日を一覧から選んでください。"}
        if s.opens_at and s.closes_at and s.closes_at <= s.opens_at:
            return {"schedules": "終了時刻は開始時刻より後にしてください。"}
    return {}


def replace_schedules(place: Place, schedules: list[ScheduleIn]) -> None:
    """Replace the weekly rows; a row without an HSDS id keeps the id of the row it replaces
    (by position), so an edit does not renumber what HSDS exports."""
    old = [s.hsds_id for s in place.schedules.order_by("id")]
    place.schedules.all().delete()
    PlaceSchedule.objects.bulk_create(
        PlaceSchedule(place=place, weekday=s.weekday, opens_at=s.opens_at,
                      closes_at=s.closes_at, note=s.note,
                      hsds_id=s.hsds_id or (old[i] if i < len(old) else uuid.uuid4()))
        for i, s in enumerate(schedules))


def _status_change(actor: Actor, place: Place, action: str, **fields: Any) -> Place:
    policy.require_edit(actor)
    if place.municipality_id != policy.tenant_id(actor):
        raise ValidationError("この社会資源は見つかりません。")
    with transaction.atomic():
        before = snap(place)
        for name, value in fields.items():
            setattr(place, name, value)
        place.save(update_fields=[*fields, "updated_at"])
        _write_log(actor, action, place, "update", before)
    return place


def place_verify(*, actor: Actor, place: Place, on: dt.date | None = None) -> Place:
    """Record that the place's data was confirmed with the place on ``on`` (default today)."""
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"last_verified_on": "未来の日付は入力できません。"})
    return _status_change(actor, place, "place.verify", last_verified_on=on)


def place_publish(*, actor: Actor, place: Place) -> Place:
    """Publish the place in the directory (public exports, API)."""
    if place.status == PlaceStatus.PUBLISHED:
        return place
    return _status_change(actor, place, "place.publish", status=PlaceStatus.PUBLISHED,
                          published_at=timezone.now(), closed_on=None)


def place_close(*, actor: Actor, place: Place) -> Place:
    """Take the place out of the directory (休止・終了); it stays for history."""
    return _status_change(actor, place, "place.close", status=PlaceStatus.CLOSED,
                          closed_on=place.closed_on or timezone.localdate())


def rederive_areas(municipality_id: int) -> int:
    """Derive the area of every place of the tenant again (after the table changed);
    returns how many places changed area."""
    table = AddressTable(municipality_id)
    changed = []
    for p in Place.objects.filter(municipality_id=municipality_id).only(
            "id", "municipality_id", "address", "address_key", "area_id"):
        old = p.area_id
        derive_area(p, table)
        if p.area_id != old:
            changed.append(p)
    Place.objects.bulk_update(changed, ["area", "address_key"])
    return len(changed)
