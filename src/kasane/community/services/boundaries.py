"""Boundary import for the map: a GeoJSON FeatureCollection whose features name an area by
``properties.code`` (日常生活圏域 unless ``properties.kind`` says otherwise). Every feature is
checked before anything is written: a file that is not GeoJSON, an unknown code or a bad
polygon refuses the whole file with a Japanese message — nothing half-imported."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kasane.accounts.models import Actor
from kasane.areas import policy as area_policy
from kasane.areas import services as area_services
from kasane.areas.models import Area, AreaKind
from kasane.core import messages

from ..policy import deny

NOT_GEOJSON = ("GeoJSON として読めません。FeatureCollection 形式（.geojson / .json）の"
               "ファイルを選んでください。")
GEOMETRIES = ("Polygon", "MultiPolygon")


def _position_ok(p: Any) -> bool:
    return (isinstance(p, list) and len(p) >= 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in p[:2])
            and -180 <= p[0] <= 180 and -90 <= p[1] <= 90)


def _ring_ok(ring: Any) -> bool:
    return (isinstance(ring, list) and len(ring) >= 4 and all(_position_ok(p) for p in ring)
            and ring[0][:2] == ring[-1][:2])


def _geometry_error(geometry: Any) -> str:
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRIES:
        return "境界は Polygon か MultiPolygon にしてください。"
    coords = geometry.get("coordinates")
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons or not all(
            isinstance(poly, list) and poly and all(_ring_ok(r) for r in poly) for poly in polygons):
        return "座標が正しくありません（経度・緯度の組で、始点と終点が同じ閉じた線にしてください）。"
    return ""


def parse_features(data: bytes) -> list[dict[str, Any]]:
    """The features of a GeoJSON file, or a ValidationError naming what is wrong."""
    if not data:
        raise ValidationError({"file": messages.FILE_EMPTY})
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError({"file": NOT_GEOJSON}) from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list) or not doc["features"]:
        raise ValidationError({"file": NOT_GEOJSON})
    return [f if isinstance(f, dict) else {} for f in doc["features"]]


def boundaries_import(*, actor: Actor, data: bytes) -> list[Area]:
    """Set the boundary of every area the file names, through ``areas.services.area_save``
    (the areas master's own writer and its policy: those who maintain the master); all or
    nothing."""
    if not area_policy.can_maintain(actor):
        raise deny(actor, "boundary.import", "境界を取り込めるのは圏域の台帳を管理する職員です。")
    features = parse_features(data)
    tenant = actor.organization.municipality_id
    areas = {(a.kind, a.code): a for a in Area.objects.filter(municipality_id=tenant)}
    errors: list[str] = []
    found: list[tuple[Area, dict[str, Any]]] = []
    for n, feature in enumerate(features, start=1):
        found_props = feature.get("properties")
        props: dict[str, Any] = found_props if isinstance(found_props, dict) else {}
        code = str(props.get("code") or "").strip()
        area = areas.get((str(props.get("kind") or AreaKind.DAILY_LIFE_AREA), code))
        if area is None:
            errors.append(f"{n}番目の地物: 圏域コード「{code or '（なし）'}」が見つかりません。")
            continue
        problem = _geometry_error(feature.get("geometry"))
        if problem:
            errors.append(f"{n}番目の地物（{area.name}）: {problem}")
            continue
        found.append((area, feature["geometry"]))
    if errors:
        raise ValidationError({"file": errors})
    with transaction.atomic():
        return [area_services.area_save(actor=actor, kind=area.kind, code=area.code,
                                        name=area.name, parent=area.parent, boundary=geometry,
                                        area=area)
                for area, geometry in found]
