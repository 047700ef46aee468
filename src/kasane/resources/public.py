"""Exports of the PUBLISHED directory for residents: no personal data in any of them.

Static HTML pages in a zip (index by 圏域 + a page per place + a stylesheet, no script, no
external request) that the city can put on its own website; a CSV (UTF-8 with BOM, for
Excel); an A4 PDF list with one section per 圏域 (WeasyPrint, "Noto Sans CJK JP"), or for one
圏域. Only published places; a place's own contact only.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from kasane.core.pdf import html_to_pdf
from kasane.core.wareki import format_wareki

from . import selectors
from .models import Place

UNASSIGNED_LABEL = "圏域未設定"
CSV_HEADERS = ("名称", "種類", "日常生活圏域", "所在地", "開催日時", "定員", "空き", "対象年齢",
               "対象・参加の条件", "費用", "送迎", "バリアフリー・配慮", "できること", "運営団体",
               "電話", "メール", "ウェブサイト", "最終確認日")


@dataclass
class AreaGroup:
    code: str
    name: str
    places: list[Place]
    rows: list[dict[str, Any]] = field(default_factory=list)


def schedule_text(place: Place) -> str:
    rows = [f"{s.get_weekday_display()} {s.opens_at:%H:%M}〜{s.closes_at:%H:%M}"
            if s.opens_at and s.closes_at else s.get_weekday_display()
            for s in place.schedules.all()]
    return "、".join([*rows, place.schedule_note] if place.schedule_note else rows)


def ages(place: Place) -> str:
    if place.age_min is None and place.age_max is None:
        return ""
    return f"{place.age_min if place.age_min is not None else ''}〜{place.age_max if place.age_max is not None else ''}歳"


def roles_text(place: Place) -> str:
    from .models import PlaceRole

    return "・".join(str(PlaceRole(r).label) for r in place.roles)


def groups(municipality: Any, area_code: str = "") -> list[AreaGroup]:
    """Published places grouped by 日常生活圏域 (by code; 未設定 last)."""
    out: dict[str, AreaGroup] = {a.code: AreaGroup(a.code, a.name, [])
                                 for a in selectors.daily_life_areas(municipality)
                                 if not area_code or a.code == area_code}
    for place in selectors.published(municipality, area_code=area_code):
        key = place.area.code if place.area else ""
        if key not in out:
            out[key] = AreaGroup("", UNASSIGNED_LABEL, [])
        out[key].places.append(place)
    return [g for g in out.values() if g.places]


def _context(municipality: Any, area_code: str = "") -> dict[str, Any]:
    today = timezone.localdate()
    return {"municipality": municipality, "groups": groups(municipality, area_code),
            "made_on": format_wareki(today)}


def csv_bytes(municipality: Any) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for group in groups(municipality):
        for p in group.places:
            writer.writerow([p.name, p.get_kind_display(), group.name, p.address, schedule_text(p),
                             "" if p.capacity is None else p.capacity,
                             "" if p.vacancies is None else p.vacancies, ages(p), p.eligibility,
                             p.cost, ("あり " + p.pickup_note).strip() if p.pickup else "なし",
                             p.accessibility, roles_text(p), p.provider.name, p.phone, p.email,
                             p.url, p.last_verified_on.isoformat() if p.last_verified_on else ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def html_zip(municipality: Any) -> bytes:
    """index.html, one page per place (place-<number>.html) and style.css, in a zip."""
    context = _context(municipality)
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", render_to_string("resources/public/index.html", context))
        archive.writestr("style.css", render_to_string("resources/public/style.css", {}))
        for group in context["groups"]:
            for place in group.places:
                archive.writestr(f"place-{place.pk}.html", render_to_string(
                    "resources/public/place.html", {**context, "place": place, "group": group,
                                                    "schedule": schedule_text(place),
                                                    "ages": ages(place), "roles": roles_text(place)}))
    return data.getvalue()


def pdf_bytes(municipality: Any, area_code: str = "") -> bytes:
    """The printable A4 list: one section per 圏域 (each on a new page), or one 圏域."""
    context = _context(municipality, area_code)
    for group in context["groups"]:
        group.rows = [{"place": p, "schedule": schedule_text(p), "ages": ages(p)}
                      for p in group.places]
    return html_to_pdf(render_to_string("resources/public/list.pdf.html", context))
