"""How a person is shown to one actor: the single place that applies 閲覧制限 masking.

Pages, search results, the API and CSV exports all go through ``person_view(s)``, so a
restricted person's address, phone and household are masked everywhere alike for everyone
but the users named on the restriction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.areas.models import AreaKind
from kasane.areas.selectors import AddressTable
from kasane.people.models import Sex

MASK = "閲覧制限"
MASKED_FIELDS = ("postal_code", "address", "phone", "phone_mobile")


@dataclass
class PersonView:
    id: int
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    full_name: str
    full_kana: str
    birth_date: dt.date | None
    age: int | None
    sex: str
    sex_label: str
    postal_code: str
    address: str
    phone: str
    phone_mobile: str
    recorded_by: str
    restricted: bool  # 閲覧制限 applies to this person (shown to everyone as a flag)
    masked: bool  # address/phone/household are hidden from this actor
    restriction_label: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        return data


_SEX_LABELS = {value: str(label) for value, label in Sex.choices}


def _view(person: Any, masked: bool, today: dt.date) -> PersonView:
    values = {name: MASK if masked else getattr(person, name) for name in MASKED_FIELDS}
    return PersonView(
        id=person.pk, family_name=person.family_name, given_name=person.given_name,
        family_name_kana=person.family_name_kana, given_name_kana=person.given_name_kana,
        full_name=person.full_name, full_kana=person.full_kana, birth_date=person.birth_date,
        age=person.age_on(today), sex=person.sex, sex_label=_SEX_LABELS.get(person.sex, person.sex),
        recorded_by=person.created_by_org.name, restricted=person.is_restricted, masked=masked,
        restriction_label=MASK if person.is_restricted else "", **values,
    )


def person_view(actor: Actor, person: Any) -> PersonView:
    """One person as ``actor`` may see them (call after ``policy.require_person``)."""
    return _view(person, policy.is_restricted_for(actor, person), timezone.localdate())


def person_views(actor: Actor, persons: list[Any], *, named: set[int] | None = None
                 ) -> list[PersonView]:
    """Bulk variant for lists and exports (one query for the restriction names, none when the
    caller passes ``named``: the ids of ``persons`` whose 閲覧制限 names the actor's user, as
    ``policy.named_on_restriction`` gives them)."""
    if named is None:
        restricted_ids = [p.pk for p in persons if p.restriction]
        named = policy.named_on_restriction(actor, restricted_ids) if restricted_ids else set()
    today = timezone.localdate()
    return [_view(p, policy.is_restricted_for(actor, p, named=named), today) for p in persons]


UNSET = "未設定"


@dataclass(frozen=True)
class AreaLine:
    kind_label: str
    text: str  # 「01 北部圏域」, 未設定 or the mask


def person_areas(person: Any, masked: bool) -> list[AreaLine]:
    """A person's areas derived from the address (never stored, never guessed): 日常生活圏域
    always; 小地域 and 民生委員地区 masked like the address under 閲覧制限 (``masked``)."""
    table = AddressTable(person.municipality_id)
    lines = []
    for kind in AreaKind:
        if masked and kind != AreaKind.DAILY_LIFE_AREA:
            lines.append(AreaLine(kind.label, MASK))
            continue
        area = table.lookup(person.address or "", kind.value)
        lines.append(AreaLine(kind.label, f"{area.code} {area.name}" if area else UNSET))
    return lines
