"""The Open Referral HSDS 3.0 tables Kasane reads and writes, and the fixed mapping.

One ``Place`` = one HSDS *service* + one *location* + their *service_at_location*; a
``Provider`` = an *organization*. Every stored field has one home (docs/resources.md):

- organizations.csv: id, name, description, email, website; phones.csv (organization_id)
- services.csv: name, description, url, email, status (published → active, closed →
  inactive), fees_description (費用), eligibility_description (条件), minimum_age,
  maximum_age, assured_date (最終確認日), alert (日時の補足)
- service_capacity.csv: maximum (定員), available (空き), description (現在の参加者数)
- locations.csv: name, latitude, longitude; addresses.csv (address_1 = 所在地);
  accessibility.csv (description = バリアフリー・配慮)
- schedules.csv: freq WEEKLY + byday + opens_at/closes_at + description (one row per
  PlaceSchedule)
- phones.csv / contacts.csv (service_id): the place's phone and 窓口
- taxonomy_terms.csv + attributes.csv: 種類 (taxonomy ``kasane:place_kind``), 役割
  (``kasane:role``), 送迎 (``kasane:pickup``, value = 送迎の補足)

Derived ids (``uuid5``) keep a round trip identical: the same place always exports the same
rows. Files are UTF-8 with a header row; a column not listed here is refused.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("6f1c6a4e-3f7b-5c2a-9a53-6b6173616e65")

TABLES: dict[str, tuple[str, ...]] = {
    "organizations.csv": ("id", "name", "description", "email", "website"),
    "services.csv": ("id", "organization_id", "name", "description", "url", "email", "status",
                     "fees_description", "eligibility_description", "minimum_age",
                     "maximum_age", "assured_date", "alert"),
    "service_capacity.csv": ("id", "service_id", "maximum", "available", "description",
                             "updated"),
    "locations.csv": ("id", "location_type", "name", "description", "latitude", "longitude"),
    "addresses.csv": ("id", "location_id", "attention", "address_1", "address_2", "city",
                      "region", "state_province", "postal_code", "country", "address_type"),
    "accessibility.csv": ("id", "location_id", "description", "details", "url"),
    "service_at_location.csv": ("id", "service_id", "location_id", "description"),
    "schedules.csv": ("id", "service_id", "location_id", "service_at_location_id", "freq",
                      "byday", "opens_at", "closes_at", "description"),
    "phones.csv": ("id", "organization_id", "service_id", "location_id", "number", "type",
                   "description"),
    "contacts.csv": ("id", "organization_id", "service_id", "name", "title", "email"),
    "taxonomy_terms.csv": ("id", "code", "name", "description", "parent_id", "taxonomy",
                           "language"),
    "attributes.csv": ("id", "link_id", "link_type", "link_entity", "taxonomy_term_id",
                       "value", "label"),
}
REQUIRED_FILES = ("organizations.csv", "services.csv", "locations.csv",
                  "service_at_location.csv")
# columns a file must have (HSDS required fields among ours)
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "organizations.csv": ("id", "name", "description"),
    "services.csv": ("id", "organization_id", "name", "status"),
    "locations.csv": ("id", "location_type"),
    "service_at_location.csv": ("id", "service_id", "location_id"),
    "service_capacity.csv": ("id", "service_id", "maximum"),
    "addresses.csv": ("id", "location_id", "address_1", "city", "state_province", "postal_code",
                      "country", "address_type"),
    "accessibility.csv": ("id", "location_id"),
    "schedules.csv": ("id",),
    "phones.csv": ("id", "number"),
    "contacts.csv": ("id",),
    "taxonomy_terms.csv": ("id", "name", "description"),
    "attributes.csv": ("id", "link_id", "taxonomy_term_id"),
}
JSON_FILE = "hsds.json"

KIND_TAXONOMY = "kasane:place_kind"
ROLE_TAXONOMY = "kasane:role"
PICKUP_TAXONOMY = "kasane:pickup"
PICKUP_CODE = "pickup"
CAPACITY_NOTE = "現在の参加者 {n}人"


def derived_id(base: uuid.UUID | str, what: str) -> str:
    """A stable id for a row that belongs to ``base`` (a service, location or organization)."""
    return str(uuid.uuid5(uuid.UUID(str(base)), what))


def term_id(taxonomy: str, code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{taxonomy}:{code}"))
