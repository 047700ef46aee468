"""Places whose address no table row covers, for the 未設定 list (``areas.coverage``)."""

from __future__ import annotations

from django.urls import reverse

from kasane.areas.coverage import SOURCES, Uncovered
from kasane.areas.selectors import AddressTable

from .models import Place


def places_uncovered(municipality_id: int, table: AddressTable) -> list[Uncovered]:
    rows = Place.objects.filter(municipality_id=municipality_id, area__isnull=True) \
        .order_by("name", "id").only("id", "name", "address")
    return [Uncovered(label=p.name, address=p.address,
                      url=reverse("resources:detail", args=[p.pk])) for p in rows]


SOURCES.add("places", places_uncovered)
