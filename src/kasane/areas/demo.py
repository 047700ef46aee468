"""Demo areas of 重ね市: three 日常生活圏域 (北部・中部・南部) with 小地域 (one per 町) and
民生委員地区, boundaries as simple GeoJSON boxes, and an address table covering every 町 the
demo persons live in. Loaded through the import service (one CSV for areas, one for the
table); idempotent (skipped when the tenant has areas)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from kasane.accounts.models import Membership

from . import services
from .models import Area

# 圏域 code → (name, [町], 民生委員地区 split: [町 indexes of district 1], south latitude)
DAILY_LIFE_AREAS = {
    "01": ("北部圏域", ["北町", "桜台", "緑が丘"], [0, 1], 35.72),
    "02": ("中部圏域", ["本町", "中央", "栄町", "中町"], [0, 1], 35.68),
    "03": ("南部圏域", ["南町", "港町", "浜田"], [0], 35.64),
}
WEST, EAST, HEIGHT = 139.40, 139.52, 0.04


def box(south: float, west: float, north: float, east: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _csv(rows: list[list[str]]) -> io.BytesIO:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return io.BytesIO(out.getvalue().encode("utf-8"))


def area_rows() -> list[list[str]]:
    rows = [["種別", "コード", "名称", "上位コード", "境界"]]
    for code, (name, towns, _first, south) in DAILY_LIFE_AREAS.items():
        rows.append(["日常生活圏域", code, name, "",
                     json.dumps(box(south, WEST, south + HEIGHT, EAST))])
        width = (EAST - WEST) / len(towns)
        for i, town in enumerate(towns, start=1):
            west = WEST + width * (i - 1)
            rows.append(["小地域", f"{code}-{i}", f"{town}地区", code,
                         json.dumps(box(south, west, south + HEIGHT, west + width))])
        rows.append(["民生委員地区", f"M{code}1", f"{name[:2]}第1地区", code, ""])
        rows.append(["民生委員地区", f"M{code}2", f"{name[:2]}第2地区", code, ""])
    return rows


def address_rows() -> list[list[str]]:
    rows = [["住所", "日常生活圏域", "小地域", "民生委員地区"]]
    for code, (_, towns, first, _south) in DAILY_LIFE_AREAS.items():
        for i, town in enumerate(towns, start=1):
            district = f"M{code}1" if i - 1 in first else f"M{code}2"
            rows.append([f"重ね市{town}", code, f"{code}-{i}", district])
    return rows


def load(data: dict[str, Any]) -> None:
    users = data["users"]
    actor = Membership.objects.select_related("organization", "user").filter(
        user=users["jimukyoku"], is_active=True).order_by("pk").first()
    if actor is None or Area.objects.filter(
            municipality_id=actor.organization.municipality_id).exists():
        return
    services.import_table(actor=actor, stream=_csv(area_rows()), name="demo-areas.csv")
    services.import_table(actor=actor, stream=_csv(address_rows()), name="demo-addresses.csv")
