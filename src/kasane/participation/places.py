"""What participation reads of the resource directory: a place as ``ranking.PlaceFacts``
(roles in the 参加支援 sheet's vocabulary, time bands from the weekly schedule, cost and
accessibility read from the directory's text), and the seat count a start or an end moves.

The place's ``current_participants`` is changed through the directory's own service
(``resources.services.place_participants_adjust``: row locked, capacity checked, audited),
inside the caller's transaction — never above its capacity (the directory's check constraint
holds too)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from kasane.accounts.models import Actor
from kasane.core.ids import as_id
from kasane.resources.models import Place, PlaceStatus
from kasane.resources.services import place_participants_adjust

from .ranking import PlaceFacts, refusal

# directory role → the sheet's 参加の形 codes it offers
ROLE_TO_WISH = {"participation": ("attend",), "role": ("role", "volunteer"),
                "work_trial": ("work_trial",), "work": ("work",)}
# place kinds that also offer a 参加の形
KIND_TO_WISH = {"volunteer": "volunteer", "learning": "learning", "work_trial": "work_trial",
                "employment": "work"}
DAY_CODES = {"MO": "mon", "TU": "tue", "WE": "wed", "TH": "thu", "FR": "fri", "SA": "sat",
             "SU": "sun"}
NOON, EVENING = dt.time(12, 0), dt.time(17, 0)


def cost_yen(text: str) -> int | None:
    """「無料」→ 0, 「1回100円」→ 100 (the first amount), anything else → None (unknown)."""
    if not text.strip():
        return None
    if "無料" in text:
        return 0
    found = re.search(r"([0-9０-９][0-9０-９,，]*)\s*円", text)
    if not found:
        return None
    digits = found.group(1).translate(str.maketrans("０１２３４５６７８９，", "0123456789,"))
    return int(digits.replace(",", ""))


def _bands(opens: dt.time | None, closes: dt.time | None) -> set[str]:
    if opens is None and closes is None:
        return set()
    start, end = opens or dt.time(0, 0), closes or dt.time(23, 59)
    bands = set()
    if start < NOON:
        bands.add("am")
    if start < EVENING and end > NOON:
        bands.add("pm")
    if end > EVENING:
        bands.add("evening")
    return bands


def facts(place: Place) -> PlaceFacts:
    """The place for ``ranking`` (schedules prefetched by ``places_for_ranking``)."""
    roles: list[str] = []
    for role in place.roles:
        roles.extend(ROLE_TO_WISH.get(role, ()))
    if place.kind in KIND_TO_WISH:
        roles.append(KIND_TO_WISH[place.kind])
    days: list[str] = []
    bands: set[str] = set()
    for s in place.schedules.all():
        days.append(DAY_CODES.get(s.weekday, ""))
        bands |= _bands(s.opens_at, s.closes_at)
    return PlaceFacts(
        id=place.pk, name=place.name, kind=place.kind, kind_label=place.get_kind_display(),
        area_id=place.area_id, area_name=place.area.name if place.area_id and place.area else "",
        roles=tuple(dict.fromkeys(roles)), days=tuple(dict.fromkeys(d for d in days if d)),
        time_bands=tuple(b for b in ("am", "pm", "evening") if b in bands),
        capacity=place.capacity, current=place.current_participants,
        is_open=place.status == PlaceStatus.PUBLISHED,
        accessible=True if place.accessibility.strip() else None, escort=place.pickup,
        cost=cost_yen(place.cost), age_min=place.age_min, age_max=place.age_max)


def places_for_ranking(municipality_id: int) -> QuerySet[Place]:
    """The tenant's published places with what ``facts`` reads (3 queries for all)."""
    return (Place.objects.filter(municipality_id=municipality_id, status=PlaceStatus.PUBLISHED)
            .select_related("area").prefetch_related("schedules"))


def all_facts(places: Iterable[Place]) -> list[PlaceFacts]:
    return [facts(p) for p in places]


def place_of(municipality_id: int, place_id: object) -> Place:
    pid = as_id(place_id)
    found = Place.objects.filter(municipality_id=municipality_id, pk=pid).select_related(
        "provider", "area").first() if pid else None
    if found is None:
        raise ValidationError({"place": "参加先の社会資源を選んでください。"})
    return found


def check_can_take(place: Place, age: int | None = None, field: str = "place") -> None:
    """Refuse (field error) a place that is closed, full or outside the person's age."""
    if place.status == PlaceStatus.DRAFT:
        raise ValidationError({field: f"{place.name}はまだ公開されていません（社協の確認待ち）。"})
    message = refusal(PlaceFacts(id=place.pk, name=place.name, capacity=place.capacity,
                                 current=place.current_participants,
                                 is_open=place.status == PlaceStatus.PUBLISHED,
                                 age_min=place.age_min, age_max=place.age_max), age)
    if message:
        raise ValidationError({field: message})


def seat_take(place: Place, age: int | None = None, *, actor: Actor, reason: str) -> Place:
    """One more participant (row locked; refused when closed or full). Call inside atomic."""
    locked = Place.objects.select_for_update().get(pk=place.pk)
    check_can_take(locked, age, field="started_on")
    try:
        return place_participants_adjust(place=locked, delta=1, actor=actor, reason=reason)
    except ValidationError as exc:
        raise ValidationError({"started_on": exc.messages}) from exc


def seat_free(place: Place, *, actor: Actor, reason: str) -> None:
    """One participant fewer (never below zero). Call inside atomic."""
    place_participants_adjust(place=place, delta=-1, actor=actor, reason=reason)
