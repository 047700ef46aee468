"""Reading the resource directory: filtered lists for screens, the API and public exports."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet

from kasane.accounts.models import Municipality
from kasane.areas.models import Area, AreaKind

from .models import ChangeStatus, Place, PlaceChange, PlaceStatus, Provider

API_LIMIT = 500


def places(municipality: Any, *, area_code: str = "", kind: str = "", status: str = "",
           vacancies: bool = False, unassigned: bool = False, q: str = "") -> QuerySet[Place]:
    """The tenant's places, filtered: 圏域 code, kind, status, only with free seats, only
    without a derived area (未設定), a name fragment. Provider and area are joined."""
    qs = (Place.objects.filter(municipality=municipality)
          .select_related("provider", "area").prefetch_related("schedules"))
    if area_code:
        qs = qs.filter(area__code=area_code, area__kind=AreaKind.DAILY_LIFE_AREA)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if vacancies:
        qs = qs.filter(Q(capacity__isnull=True) | Q(capacity__gt=F("current_participants")))
    if unassigned:
        qs = qs.filter(area__isnull=True)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(provider__name__icontains=q))
    return qs.order_by("area__code", "name", "id")


def published(municipality: Any, *, area_code: str = "") -> QuerySet[Place]:
    """What residents may see: published places only (public exports, the API)."""
    return places(municipality, area_code=area_code, status=PlaceStatus.PUBLISHED)


def place(municipality: Any, place_id: int) -> Place | None:
    return (Place.objects.filter(municipality=municipality, pk=place_id)
            .select_related("provider", "area").prefetch_related("schedules").first())


def providers(municipality: Any) -> QuerySet[Provider]:
    return Provider.objects.filter(municipality=municipality).order_by("name", "id")


def pending_changes(municipality: Any) -> QuerySet[PlaceChange]:
    return (PlaceChange.objects.filter(municipality=municipality, status=ChangeStatus.PENDING)
            .select_related("place", "place__area", "uploaded_by").order_by("uploaded_at", "id"))


def pending_change(municipality: Any, change_id: int) -> PlaceChange | None:
    """One proposed change of the tenant still waiting for a decision (None: decided or
    not there)."""
    return PlaceChange.objects.filter(pk=change_id, municipality=municipality,
                                      status=ChangeStatus.PENDING).first()


def tenant(municipality_id: int) -> Municipality:
    """The municipality whose directory is exported."""
    return Municipality.objects.get(pk=municipality_id)


def daily_life_areas(municipality: Any) -> QuerySet[Area]:
    return Area.objects.filter(municipality=municipality,
                               kind=AreaKind.DAILY_LIFE_AREA).order_by("code")
