"""Directory figures in the stats registry: published places, by kind and 圏域.

``resources.places.published`` counts the places published at the time of asking (a
directory is a state, not a flow: the 年度 does not narrow it); the filters ``kind``
(PlaceKind code) and ``area`` (日常生活圏域 code, or ``unassigned`` for 未設定) split it.
:func:`places_by_kind_and_area` gives the whole cross table in one query.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import DateField, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from kasane.core.metrics import Metric, register

from .models import Place, PlaceStatus

UNASSIGNED = "unassigned"


def places_with_history(municipality: Any) -> QuerySet[Place]:
    """The tenant's places that ever opened (not 下書き), annotated ``opened`` = 開設日, or the
    day the place was registered here when no 開設日 was typed."""
    return (Place.objects.filter(municipality=municipality).exclude(status=PlaceStatus.DRAFT)
            .annotate(opened=Coalesce("opened_on", TruncDate("created_at"),
                                      output_field=DateField())))


def open_on_q(day: Any) -> Q:
    """Places (from :func:`places_with_history`) open on ``day``: opened by then and not closed
    by then (a 休止・終了 place without its date counts as closed)."""
    closed = Q(closed_on__isnull=False, closed_on__lte=day) | \
        Q(closed_on__isnull=True, status=PlaceStatus.CLOSED)
    return Q(opened__lte=day) & ~closed


def _published(municipality: Any) -> Any:
    return Place.objects.filter(municipality=municipality, status=PlaceStatus.PUBLISHED)


def places_by_kind_and_area(municipality: Any) -> dict[tuple[str, str], int]:
    """(kind code, 圏域 code or ``unassigned``) → number of published places."""
    rows = _published(municipality).values_list("kind", "area__code")
    return dict(Counter((kind, code or UNASSIGNED) for kind, code in rows))


def _count(municipality: Any, fiscal_year: int, *, kind: str = "", area: str = "") -> int:
    qs = _published(municipality)
    if kind:
        qs = qs.filter(kind=kind)
    if area == UNASSIGNED:
        qs = qs.filter(area__isnull=True)
    elif area:
        qs = qs.filter(area__code=area)
    return int(qs.count())


register(Metric(
    key="resources.places.published", label="公開中の社会資源（場）の数", unit="か所",
    description="社会資源の一覧で公開中の場（居場所・就労体験・サロンなど）の数。年度に"
                "かかわらず集計時点の数。条件 kind（種類）、area（日常生活圏域のコード、"
                "unassigned は圏域未設定）で分けられます。",
    fn=_count, filters=("kind", "area")))
