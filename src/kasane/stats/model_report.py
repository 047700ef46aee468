"""The model-project report (spec/reporting.md part C, MHLW template sections 1–5): fields
pre-filled from records and settings (P), free text (F) and typed numbers (N), every save a new
version (``ModelReportText``); exported as .docx (python-docx) and PDF (WeasyPrint).

Pre-fill never invents: a P field without a source stays empty and is marked 「記録がありません
（手入力）」. A P field typed over is flagged 手入力 and keeps the source value beside it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string

from kasane.accounts.models import Actor, Membership, Organization, Role
from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.core import metrics
from kasane.core.pdf import html_to_pdf
from kasane.core.wareki import fiscal_year_label

from .models import ModelReportText


def _municipality(muni: Any, fy: int) -> str:
    return f"{muni.prefecture} {muni.name}"


def _houkatsu(muni: Any, fy: int) -> str:
    names = list(Organization.objects.filter(municipality=muni, is_active=True,
                                             name__contains="包括").values_list("name", flat=True))
    return f"{len(names)}か所（{'、'.join(names)}）" if names else ""


def _coordinators(muni: Any, fy: int) -> str:
    figure = metrics.evaluate("staff.coordinators", municipality=muni, fiscal_year=fy)
    return f"{figure.value}人（{fiscal_year_label(fy)}末現在。常勤・非常勤の別は未記録）" \
        if figure.ok and figure.value else ""


def _coordinator_orgs(muni: Any, fy: int) -> str:
    names = sorted(set(Membership.objects.filter(
        organization__municipality=muni, role=Role.COORDINATOR, is_active=True)
        .values_list("organization__name", flat=True)))
    return "、".join(names)


def _meetings(muni: Any, fy: int) -> str:
    parts = []
    for code, label in (("support_meeting", "支援会議"), ("multilayer_meeting", "重層的支援会議")):
        held = metrics.evaluate(f"meetings.{code}.held", municipality=muni, fiscal_year=fy)
        cases = metrics.evaluate(f"meetings.{code}.cases", municipality=muni, fiscal_year=fy)
        if held.ok and cases.ok:
            parts.append(f"{label} {held.value}回（検討 {cases.value}件）")
    return "、".join(parts)


def _new_resources(muni: Any, fy: int) -> str:
    figure = metrics.evaluate("community.new_resources", municipality=muni, fiscal_year=fy)
    return f"創出された社会資源 {figure.value}か所" if figure.ok else ""


@dataclass(frozen=True)
class Field:
    key: str
    section: str
    label: str
    kind: str  # "P" pre-filled, "F" free text, "N" number typed
    prefill: Callable[[Any, int], str] | None = None


FIELDS: tuple[Field, ...] = (
    Field("1-1-name", "1-1 自治体の基本情報", "都道府県名・市区町村名", "P", _municipality),
    Field("1-1-population", "1-1 自治体の基本情報", "人口（人）・世帯数（世帯）・高齢化率（%）", "N"),
    Field("1-1-houkatsu", "1-1 自治体の基本情報", "地域包括支援センター（か所・受託法人）", "P", _houkatsu),
    Field("1-2", "1-2 地域の特徴", "地域性、地場産業、観光等", "F"),
    Field("2-purpose", "2 ビジョン", "本事業に取り組む目的・狙い", "F"),
    Field("2-change", "2 ビジョン", "本事業を通じて人と地域に起こしたい変化", "F"),
    Field("3-need", "3 地域力強化推進事業", "③事業実施の必要性", "F"),
    Field("3-goal", "3 地域力強化推進事業", "事業の成果目標", "F"),
    Field("4-need", "4 多機関の協働による包括的支援体制構築事業", "③事業実施の必要性、体制等", "F"),
    Field("4-4", "4 多機関の協働による包括的支援体制構築事業", "④相談支援包括化推進員の配置人数", "P",
          _coordinators),
    Field("4-6", "4 多機関の協働による包括的支援体制構築事業", "⑥推進員を配置する相談支援機関", "P",
          _coordinator_orgs),
    Field("4-7a", "4 多機関の協働による包括的支援体制構築事業",
          "⑦ア 包括的な相談支援体制の構築に向けた取組の概要", "F"),
    Field("4-7i", "4 多機関の協働による包括的支援体制構築事業",
          "⑦イ 相談支援包括化推進会議の開催（会議の開催回数等）", "P", _meetings),
    Field("4-7e", "4 多機関の協働による包括的支援体制構築事業", "⑦エ 新たな社会資源の創出", "P",
          _new_resources),
    Field("4-8", "4 多機関の協働による包括的支援体制構築事業", "⑧事業の成果目標", "F"),
    Field("5", "5 都道府県事業", "（都道府県のみ）事業の内容・成果目標", "F"),
)


def build(muni: Any, fy: int) -> list[dict[str, Any]]:
    """Every field: its current text, source value (P), flags and version count."""
    latest = {r["field_key"]: r for r in ModelReportText.objects.filter(
        municipality=muni, fiscal_year=fy).values("field_key").annotate(v=Max("version"))}
    texts = {(t.field_key, t.version): t.text for t in ModelReportText.objects.filter(
        municipality=muni, fiscal_year=fy)}
    out = []
    for f in FIELDS:
        source = f.prefill(muni, fy) if f.prefill else ""
        version = latest[f.key]["v"] if f.key in latest else 0
        typed = texts.get((f.key, version)) if version else None
        text = typed if typed is not None else source
        out.append({"key": f.key, "section": f.section, "label": f.label, "kind": f.kind,
                    "text": text, "source": source, "version": version,
                    "typed_over": f.kind == "P" and typed is not None and typed != source,
                    "missing": f.kind == "P" and not text})
    return out


@transaction.atomic
def save(actor: Actor, fy: int, values: dict[str, str]) -> int:
    """A new version of each field whose text changed; returns how many changed."""
    muni = actor.organization.municipality
    current = {f["key"]: f for f in build(muni, fy)}
    changed = 0
    for key, text in values.items():
        if key not in current or text.strip() == (current[key]["text"] or "").strip():
            continue
        if len(text) > 4000:
            raise ValueError(f"「{current[key]['label']}」は4000字以内で入力してください。")
        ModelReportText.objects.create(municipality=muni, fiscal_year=fy, field_key=key,
                                       version=current[key]["version"] + 1, text=text.strip(),
                                       author=actor.user)
        changed += 1
    if changed:
        access_log(user=actor.user, action="stats.model_report.save", basis=Basis.NOT_PERSONAL,
                   organization_id=actor.organization_id, object_type="stats.ModelReportText",
                   object_id=f"{muni.pk}:{fy}", detail=f"{changed}項目")
    return changed


def sections(fields: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for f in fields:
        grouped.setdefault(f["section"], []).append(f)
    return list(grouped.items())


def to_docx(muni: Any, fy: int) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(f"{muni.prefecture} {muni.name} モデル事業実施報告 {fiscal_year_label(fy)}", 0)
    for section, fields in sections(build(muni, fy)):
        doc.add_heading(section, 1)
        for f in fields:
            doc.add_heading(f["label"], 2)
            doc.add_paragraph(f["text"] or "（記入なし）")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def to_pdf(muni: Any, fy: int) -> bytes:
    html = render_to_string("stats/model_report.pdf.html", {
        "muni": muni, "fiscal_year": fy, "sections": sections(build(muni, fy))})
    return html_to_pdf(html)
