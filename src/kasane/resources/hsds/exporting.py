"""HSDS export: the tenant's published places as HSDS 3.0 CSV tables (+ the same as JSON).

Deterministic: rows sorted by id, ids stable (see ``schema``), so export → import → export
gives the same bytes. No personal data: places, providers and their own contacts only.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..models import Place, PlaceKind, PlaceRole, PlaceStatus, Provider
from .schema import (
    CAPACITY_NOTE,
    JSON_FILE,
    KIND_TAXONOMY,
    PICKUP_CODE,
    PICKUP_TAXONOMY,
    ROLE_TAXONOMY,
    TABLES,
    derived_id,
    term_id,
)

Rows = dict[str, list[dict[str, str]]]
STATUS_OUT = {PlaceStatus.PUBLISHED: "active", PlaceStatus.CLOSED: "inactive",
              PlaceStatus.DRAFT: "inactive"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _taxonomy_rows() -> list[dict[str, str]]:
    rows = [{"id": term_id(KIND_TAXONOMY, k.value), "code": k.value, "name": k.label,
             "description": f"場の種類: {k.label}", "parent_id": "", "taxonomy": KIND_TAXONOMY,
             "language": "ja"} for k in PlaceKind]
    rows += [{"id": term_id(ROLE_TAXONOMY, r.value), "code": r.value, "name": r.label,
              "description": f"できること: {r.label}", "parent_id": "", "taxonomy": ROLE_TAXONOMY,
              "language": "ja"} for r in PlaceRole]
    rows.append({"id": term_id(PICKUP_TAXONOMY, PICKUP_CODE), "code": PICKUP_CODE, "name": "送迎あり",
                 "description": "送迎あり（値は送迎の補足）", "parent_id": "",
                 "taxonomy": PICKUP_TAXONOMY, "language": "ja"})
    return rows


def _organization(p: Provider, rows: Rows) -> None:
    oid = str(p.hsds_id)
    rows["organizations.csv"].append({"id": oid, "name": p.name, "description": p.description,
                                      "email": p.email, "website": p.url})
    if p.phone:
        rows["phones.csv"].append({"id": derived_id(oid, "phone"), "organization_id": oid,
                                   "service_id": "", "location_id": "", "number": p.phone,
                                   "type": "voice", "description": ""})


def _service(place: Place, rows: Rows) -> None:
    sid, lid = str(place.hsds_service_id), str(place.hsds_location_id)
    rows["services.csv"].append({
        "id": sid, "organization_id": str(place.provider.hsds_id), "name": place.name,
        "description": place.description, "url": place.url, "email": place.email,
        "status": STATUS_OUT[PlaceStatus(place.status)], "fees_description": place.cost,
        "eligibility_description": place.eligibility, "minimum_age": _text(place.age_min),
        "maximum_age": _text(place.age_max), "assured_date": _text(place.last_verified_on),
        "alert": place.schedule_note})
    rows["service_capacity.csv"].append({
        "id": derived_id(sid, "capacity"), "service_id": sid, "maximum": _text(place.capacity),
        "available": _text(place.vacancies),
        "description": CAPACITY_NOTE.format(n=place.current_participants), "updated": ""})
    rows["service_at_location.csv"].append({"id": str(place.hsds_service_at_location_id),
                                            "service_id": sid, "location_id": lid,
                                            "description": ""})
    if place.phone:
        rows["phones.csv"].append({"id": derived_id(sid, "phone"), "organization_id": "",
                                   "service_id": sid, "location_id": "", "number": place.phone,
                                   "type": "voice", "description": ""})
    if place.contact_name:
        rows["contacts.csv"].append({"id": derived_id(sid, "contact"), "organization_id": "",
                                     "service_id": sid, "name": place.contact_name,
                                     "title": "窓口", "email": ""})
    _attributes(place, sid, rows)
    _schedules(place, sid, lid, rows)


def _attributes(place: Place, sid: str, rows: Rows) -> None:
    terms = [(KIND_TAXONOMY, place.kind, "")]
    terms += [(ROLE_TAXONOMY, role, "") for role in place.roles]
    if place.pickup:
        terms.append((PICKUP_TAXONOMY, PICKUP_CODE, place.pickup_note))
    for taxonomy, code, value in terms:
        rows["attributes.csv"].append({
            "id": derived_id(sid, f"{taxonomy}:{code}"), "link_id": sid, "link_type": "",
            "link_entity": "service", "taxonomy_term_id": term_id(taxonomy, code),
            "value": value, "label": ""})


def _schedules(place: Place, sid: str, lid: str, rows: Rows) -> None:
    for s in place.schedules.all():
        rows["schedules.csv"].append({
            "id": str(s.hsds_id), "service_id": sid, "location_id": "",
            "service_at_location_id": "", "freq": "WEEKLY", "byday": s.weekday,
            "opens_at": s.opens_at.strftime("%H:%M") if s.opens_at else "",
            "closes_at": s.closes_at.strftime("%H:%M") if s.closes_at else "",
            "description": s.note})


def _location(place: Place, municipality: Any, rows: Rows) -> None:
    lid = str(place.hsds_location_id)
    rows["locations.csv"].append({"id": lid, "location_type": "physical", "name": place.name,
                                  "description": "", "latitude": _text(place.latitude),
                                  "longitude": _text(place.longitude)})
    if place.address:
        rows["addresses.csv"].append({
            "id": derived_id(lid, "address"), "location_id": lid, "attention": "",
            "address_1": place.address, "address_2": "", "city": municipality.name,
            "region": "", "state_province": municipality.prefecture, "postal_code": "",
            "country": "JP", "address_type": "physical"})
    if place.accessibility:
        rows["accessibility.csv"].append({"id": derived_id(lid, "accessibility"),
                                          "location_id": lid, "description": place.accessibility,
                                          "details": "", "url": ""})


def hsds_rows(municipality: Any) -> Rows:
    """Every HSDS table of the tenant's published places, rows sorted by id."""
    rows: Rows = {name: [] for name in TABLES}
    places = (Place.objects.filter(municipality=municipality, status=PlaceStatus.PUBLISHED)
              .select_related("provider").prefetch_related("schedules").order_by("id"))
    providers: dict[int, Provider] = {}
    for place in places:
        providers[place.provider_id] = place.provider
        _service(place, rows)
        _location(place, municipality, rows)
    for provider in providers.values():
        _organization(provider, rows)
    rows["taxonomy_terms.csv"] = _taxonomy_rows()
    for table in rows.values():
        table.sort(key=lambda r: r["id"])
    return rows


def to_csv(name: str, table: list[dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(TABLES[name]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue()


def write_dir(municipality: Any, directory: Path) -> dict[str, int]:
    """Write every table as ``<name>.csv`` plus ``hsds.json`` into ``directory`` (created);
    returns rows per file."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = hsds_rows(municipality)
    for name, table in rows.items():
        (directory / name).write_text(to_csv(name, table), encoding="utf-8")
    (directory / JSON_FILE).write_text(
        json.dumps({n.removesuffix(".csv"): t for n, t in rows.items()}, ensure_ascii=False,
                   indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return {name: len(table) for name, table in rows.items()}
