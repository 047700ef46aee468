"""HSDS import, step 2: resolve references, validate every place, write all or nothing.

Providers match by organization id, places by (service id, location id); what is in the files
replaces what is stored for those rows (status included: ``active`` → published, anything
else → closed); places not in the files are left alone. Every problem (broken reference, bad
value, capacity below participants …) is a Japanese message naming file and row; with any
problem, or with ``dry_run``, nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from kasane.audit.models import Basis
from kasane.audit.services import access_log

from ..models import Place, PlaceKind, PlaceRole, PlaceStatus, Provider, Weekday
from ..services import ScheduleIn, check_place_values, derive_area, replace_schedules
from ..services.places import ROLE_FIELD_NAMES
from .reading import Line, Tables, read_directory
from .schema import KIND_TAXONOMY, PICKUP_TAXONOMY, ROLE_TAXONOMY, derived_id

STATUS_IN = {"active": PlaceStatus.PUBLISHED, "inactive": PlaceStatus.CLOSED,
             "defunct": PlaceStatus.CLOSED, "temporarily closed": PlaceStatus.CLOSED}
_PARTICIPANTS = re.compile(r"(\d+)")


class HsdsError(ValueError):
    """The files cannot be imported; ``messages`` lists every problem (file + row)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class ProviderIn:
    hsds_id: uuid.UUID
    values: dict[str, str]


@dataclass
class PlaceIn:
    service_id: uuid.UUID
    location_id: uuid.UUID
    provider_id: uuid.UUID
    values: dict[str, Any]
    status: str
    last_verified_on: dt.date | None
    schedules: list[ScheduleIn] = field(default_factory=list)


@dataclass
class ImportResult:
    providers_created: int = 0
    providers_updated: int = 0
    places_created: int = 0
    places_updated: int = 0
    places_unchanged: int = 0
    dry_run: bool = False


def _uuid(line: Line, column: str, errors: list[str]) -> uuid.UUID | None:
    try:
        return uuid.UUID(line.get(column))
    except ValueError:
        errors.append(f"{line.where}: {column} が UUID ではありません（「{line.get(column)}」）。")
        return None


def _int(line: Line, column: str, errors: list[str]) -> int | None:
    text = line.get(column)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        errors.append(f"{line.where}: {column} は整数で入力してください（「{text}」）。")
        return None


def _time(text: str, where: str, errors: list[str]) -> dt.time | None:
    if not text:
        return None
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        errors.append(f"{where}: 時刻は 09:30 の形で入力してください（「{text}」）。")
        return None


def _providers(tables: Tables, errors: list[str]) -> dict[str, ProviderIn]:
    out: dict[str, ProviderIn] = {}
    for line in tables["organizations.csv"]:
        oid = _uuid(line, "id", errors)
        if oid is None:
            continue
        if not line.get("name"):
            errors.append(f"{line.where}: name（団体名）を入力してください。")
        out[str(oid)] = ProviderIn(oid, {"name": line.get("name"),
                                         "description": line.get("description"),
                                         "email": line.get("email"), "url": line.get("website"),
                                         "phone": ""})
    return out


def _service_values(line: Line, errors: list[str]) -> dict[str, Any]:
    return {"name": line.get("name"), "description": line.get("description"),
            "url": line.get("url"), "email": line.get("email"), "cost": line.get("fees_description"),
            "eligibility": line.get("eligibility_description"),
            "age_min": _int(line, "minimum_age", errors), "age_max": _int(line, "maximum_age", errors),
            "schedule_note": line.get("alert"), "kind": PlaceKind.OTHER.value,
            "capacity": None, "current_participants": 0, "address": "", "latitude": None,
            "longitude": None, "accessibility": "", "pickup": False, "pickup_note": "",
            "contact_name": "", "phone": "", **dict.fromkeys(ROLE_FIELD_NAMES, False)}


def _services(tables: Tables, providers: dict[str, ProviderIn],
              errors: list[str]) -> dict[str, tuple[Line, dict[str, Any]]]:
    out: dict[str, tuple[Line, dict[str, Any]]] = {}
    for line in tables["services.csv"]:
        sid = _uuid(line, "id", errors)
        if sid is None:
            continue
        if line.get("organization_id") not in providers:
            errors.append(f"{line.where}: organization_id「{line.get('organization_id')}」の"
                          "団体が organizations.csv にありません。")
        if line.get("status") not in STATUS_IN:
            errors.append(f"{line.where}: status は active・inactive・defunct・"
                          "temporarily closed のどれかにしてください。")
        values = _service_values(line, errors)
        if line.get("assured_date"):
            try:
                dt.date.fromisoformat(line.get("assured_date"))
            except ValueError:
                errors.append(f"{line.where}: assured_date は 2026-04-01 の形にしてください。")
        out[str(sid)] = (line, values)
    return out


def _ref(line: Line, column: str, known: dict[str, Any], target: str,
         errors: list[str]) -> Any:
    value = line.get(column)
    if value not in known:
        errors.append(f"{line.where}: {column}「{value}」が {target} にありません。")
        return None
    return known[value]


def _capacity(tables: Tables, services: dict[str, Any], errors: list[str]) -> None:
    for line in tables["service_capacity.csv"]:
        service = _ref(line, "service_id", services, "services.csv", errors)
        if service is None:
            continue
        values = service[1]
        maximum, available = _int(line, "maximum", errors), _int(line, "available", errors)
        values["capacity"] = maximum
        if maximum is not None and available is not None:
            values["current_participants"] = maximum - available
        elif (m := _PARTICIPANTS.search(line.get("description"))) is not None:
            values["current_participants"] = int(m.group(1))


def _attributes(tables: Tables, services: dict[str, Any], errors: list[str]) -> None:
    terms = {line.get("id"): line for line in tables["taxonomy_terms.csv"]}
    for line in tables["attributes.csv"]:
        term = _ref(line, "taxonomy_term_id", terms, "taxonomy_terms.csv", errors)
        service = _ref(line, "link_id", services, "services.csv", errors)
        if term is None or service is None:
            continue
        values, taxonomy, code = service[1], term.get("taxonomy"), term.get("code")
        if taxonomy == KIND_TAXONOMY:
            if code not in PlaceKind.values:
                errors.append(f"{line.where}: 場の種類「{code}」は使えません。")
            values["kind"] = code
        elif taxonomy == ROLE_TAXONOMY:
            if code not in PlaceRole.values:
                errors.append(f"{line.where}: 役割「{code}」は使えません。")
            else:
                values[ROLE_FIELD_NAMES[PlaceRole.values.index(code)]] = True
        elif taxonomy == PICKUP_TAXONOMY:
            values["pickup"], values["pickup_note"] = True, line.get("value")


def _contacts(tables: Tables, services: dict[str, Any], providers: dict[str, ProviderIn],
              errors: list[str]) -> None:
    for line in tables["phones.csv"]:
        if line.get("organization_id"):
            provider = _ref(line, "organization_id", providers, "organizations.csv", errors)
            if provider is not None:
                provider.values["phone"] = line.get("number")
        elif line.get("service_id"):
            service = _ref(line, "service_id", services, "services.csv", errors)
            if service is not None:
                service[1]["phone"] = line.get("number")
    for line in tables["contacts.csv"]:
        if line.get("service_id"):
            service = _ref(line, "service_id", services, "services.csv", errors)
            if service is not None:
                service[1]["contact_name"] = line.get("name")


def _locations(tables: Tables, errors: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for line in tables["locations.csv"]:
        if _uuid(line, "id", errors) is not None:
            out[line.get("id")] = {"latitude": line.get("latitude") or None,
                                   "longitude": line.get("longitude") or None,
                                   "address": "", "accessibility": ""}
    for line in tables["addresses.csv"]:
        location = _ref(line, "location_id", out, "locations.csv", errors)
        if location is not None:
            location["address"] = " ".join(p for p in (line.get("address_1"),
                                                       line.get("address_2")) if p)
    for line in tables["accessibility.csv"]:
        location = _ref(line, "location_id", out, "locations.csv", errors)
        if location is not None:
            location["accessibility"] = line.get("description")
    return out


def _schedules(tables: Tables, services: dict[str, Any],
               errors: list[str]) -> dict[str, list[ScheduleIn]]:
    out: dict[str, list[ScheduleIn]] = {}
    for line in tables["schedules.csv"]:
        service = _ref(line, "service_id", services, "services.csv", errors)
        if service is None:
            continue
        days = [d.strip() for d in line.get("byday").split(",") if d.strip()]
        if line.get("freq") != "WEEKLY" or not days or any(d not in Weekday.values for d in days):
            errors.append(f"{line.where}: 毎週の開催（freq WEEKLY、byday MO〜SU）だけ取り込めます。"
                          "それ以外は services.csv の alert（日時の補足）に書いてください。")
            continue
        opens = _time(line.get("opens_at"), line.where, errors)
        closes = _time(line.get("closes_at"), line.where, errors)
        sid = _uuid(line, "id", errors)
        for day in days:
            hsds_id = sid if len(days) == 1 else uuid.UUID(derived_id(sid or uuid.uuid4(), day))
            out.setdefault(line.get("service_id"), []).append(
                ScheduleIn(day, opens, closes, line.get("description"), hsds_id))
    return out


def build(tables: Tables) -> tuple[list[ProviderIn], list[PlaceIn], list[str]]:
    """Resolve the tables into providers and places; (providers, places, errors)."""
    errors: list[str] = []
    providers = _providers(tables, errors)
    services = _services(tables, providers, errors)
    _capacity(tables, services, errors)
    _attributes(tables, services, errors)
    _contacts(tables, services, providers, errors)
    locations = _locations(tables, errors)
    schedules = _schedules(tables, services, errors)
    places: list[PlaceIn] = []
    located: set[str] = set()
    for line in tables["service_at_location.csv"]:
        service = _ref(line, "service_id", services, "services.csv", errors)
        location = _ref(line, "location_id", locations, "locations.csv", errors)
        if service is None or location is None:
            continue
        located.add(line.get("service_id"))
        places.append(_place(service, location, line.get("location_id"),
                             schedules.get(line.get("service_id"), []), errors))
    for sid, service in services.items():
        if sid not in located:
            places.append(_place(service, {}, derived_id(sid, "location"), schedules.get(sid, []),
                                 errors))
    return list(providers.values()), places, errors


def _place(service: tuple[Line, dict[str, Any]], location: dict[str, Any], location_id: str,
           schedules: list[ScheduleIn], errors: list[str]) -> PlaceIn:
    line, values = service
    values = {**values, **location}
    labels = {f.name: str(f.verbose_name) for f in Place._meta.concrete_fields}
    errors.extend(f"{line.where}: {labels.get(k, k)}: {msg}"
                  for k, msg in check_place_values(values).items())
    assured = line.get("assured_date")
    verified = None
    if assured:
        try:
            verified = dt.date.fromisoformat(assured)
        except ValueError:
            verified = None
    return PlaceIn(uuid.UUID(line.get("id")), uuid.UUID(location_id),
                   uuid.UUID(line.get("organization_id") or str(uuid.UUID(int=0))), values,
                   STATUS_IN.get(line.get("status"), PlaceStatus.CLOSED), verified, schedules)


def import_directory(municipality: Any, directory: Path, *, dry_run: bool = False,
                     user: Any = None) -> ImportResult:
    """Read, check and (unless ``dry_run``) write an HSDS directory for ``municipality``.
    Raises HsdsError listing every problem; then nothing is written."""
    tables, errors = read_directory(directory)
    if errors:
        raise HsdsError(errors)
    providers, places, errors = build(tables)
    if errors:
        raise HsdsError(errors)
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        by_id = _write_providers(municipality, providers, result)
        for place_in in places:
            _write_place(municipality, place_in, by_id, result)
        access_log(user=user, action="resources.hsds.import", basis=Basis.NOT_PERSONAL,
                   object_type="resources.Place",
                   detail=f"{municipality.code} {directory.name}: 新規{result.places_created} "
                          f"変更{result.places_updated} 変更なし{result.places_unchanged}"
                          f"{'（確認のみ）' if dry_run else ''}")
        if dry_run:
            transaction.set_rollback(True)
    return result


def _write_providers(municipality: Any, providers: list[ProviderIn],
                     result: ImportResult) -> dict[uuid.UUID, Provider]:
    existing = {p.hsds_id: p for p in Provider.objects.filter(municipality=municipality)}
    for p in providers:
        provider = existing.get(p.hsds_id)
        if provider is None:
            provider = Provider(municipality=municipality, hsds_id=p.hsds_id)
            result.providers_created += 1
        elif any(getattr(provider, k) != v for k, v in p.values.items()):
            result.providers_updated += 1
        else:
            continue
        for k, v in p.values.items():
            setattr(provider, k, v)
        provider.save()
        existing[p.hsds_id] = provider
    return existing


def _state(place: Place) -> tuple[Any, ...]:
    schedules = tuple((s.hsds_id, s.weekday, s.opens_at, s.closes_at, s.note)
                      for s in place.schedules.order_by("hsds_id"))
    fields = tuple(str(getattr(place, f.attname)) for f in Place._meta.concrete_fields
                   if f.name not in {"updated_at", "created_at", "published_at"})
    return fields, schedules


def _write_place(municipality: Any, p: PlaceIn, providers: dict[uuid.UUID, Provider],
                 result: ImportResult) -> None:
    place = Place.objects.filter(municipality=municipality, hsds_service_id=p.service_id,
                                 hsds_location_id=p.location_id).first()
    before = _state(place) if place else None
    if place is None:
        place = Place(municipality=municipality, hsds_service_id=p.service_id,
                      hsds_location_id=p.location_id)
    place.provider = providers[p.provider_id]
    for k, v in p.values.items():
        setattr(place, k, v)
    if p.status == PlaceStatus.PUBLISHED and place.status != PlaceStatus.PUBLISHED:
        place.published_at = timezone.now()
    place.status, place.last_verified_on = p.status, p.last_verified_on
    derive_area(place)
    place.save()
    replace_schedules(place, p.schedules)
    place.refresh_from_db()
    after = _state(place)
    if before is None:
        result.places_created += 1
    elif before != after:
        result.places_updated += 1
    else:
        result.places_unchanged += 1
