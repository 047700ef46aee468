"""Cases opened from a sheet record (相談受付・申込票 同意あり/なし, つなぐシート, インテーク).

``prefill`` reads the record's 相談内容 / 主訴 / 気づいたこと and 分類 for the open-case form;
``case_open_from_record`` opens the case (``case_open``), keeps
``source_sheet_record_id``, links the record back (``sheets.person_binding.link_record_case``)
and writes the timeline entry 「帳票から開始」 with a link to the record — in one transaction;
a coordinator opening from a つなぐシート also moves its 受付状況 to 「対応中」.
A record naming no Person yet (a 連絡員's つなぐシート) is first bound by a coordinator with
``sheets.person_binding.bind_record_person``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from kasane.accounts.models import Actor, Role
from kasane.core.wareki import format_wareki
from kasane.sheets import links as sheet_links
from kasane.sheets import person_binding
from kasane.sheets import services as sheet_services

from ..models import Case, EventKind, Triage
from .cases import case_open
from .common import event
from .problems import case_problems_from_record

# Sheets a case may be opened from, and the free-text answers that make up its summary.
SOURCE_CODES: dict[str, tuple[str, ...]] = {
    "intake_application": ("request_detail",),
    "intake_application_no_consent": ("request_detail",),
    "liaison": ("concern", "wishes"),
    "intake_assessment": ("household_issue", "direction"),
    "comprehensive_consultation": ("summary",),
}
SUMMARY_MAX = 2000


def is_source(record: Any) -> bool:
    return record.definition.code in SOURCE_CODES and record.status == "submitted"


def _problem_line(record: Any) -> str:
    """「相談内容: ◎介護、○収入・生活費のこと」 from a multi_choice_main answer."""
    field = next((f for f in record.definition.fields if f["key"] == "problems"), None)
    value = record.answers.get("problems")
    if field is None or not isinstance(value, dict) or not value.get("marked"):
        return ""
    labels = {c["code"]: c["label"] for c in field.get("choices", [])}
    main = value.get("main")
    marked = sorted(value["marked"], key=lambda c: (c != main, list(labels).index(c)
                                                   if c in labels else 99))
    other = (record.answers.get("problems_other") or "").strip()
    items = [("◎" if c == main else "○") + (other if c == "other" and other else labels.get(c, c))
             for c in marked]
    return f"{field['label']}: {'、'.join(items)}"


def prefill(record: Any) -> dict[str, Any]:
    """Initial values of the open-case form from a sheet record."""
    lines = [_problem_line(record)]
    labels = {f["key"]: f["label"] for f in record.definition.fields}
    for key in SOURCE_CODES.get(record.definition.code, ()):
        text = str(record.answers.get(key) or "").strip()
        if text:
            lines.append(f"{labels.get(key, key)}: {text}")
    summary = "\n".join(line for line in lines if line)[:SUMMARY_MAX]
    triage = str(record.answers.get("triage") or "")
    return {"person_ids": str(record.person_id or ""), "summary": summary,
            "triage": triage if triage in Triage.values else "",
            "tags": [t for t in record.tags if t]}


def case_open_from_record(*, actor: Actor, record: Any, summary: str, triage: str = "",
                          tags: Iterable[str] | None = None,
                          person_ids: Iterable[Any] | None = None, rederive: bool = True) -> Case:
    """Open a case from ``record`` (the record's Person is the primary subject). With
    ``rederive`` the record's links that waited for a case run again (``sheets.links``:
    the 「ケース」 row becomes done, つなぎ先 become drafts); the link handler that opens a
    case itself passes False."""
    if not is_source(record):
        raise ValidationError({"record": "この帳票からはケースを開けません（相談受付・申込票、つなぐシート、インテークの提出済みの記録のみ）。"})
    if record.case_id is not None:
        raise ValidationError({"record": f"この帳票からはすでにケース#{record.case_id}が開始されています。"})
    if record.person_id is None:
        raise ValidationError({"person_ids": "帳票が本人に結び付いていません。先に本人を選ぶか登録してください。"})
    ids = [record.person_id, *[int(p) for p in person_ids or [] if str(p).strip().isdigit()]]
    with transaction.atomic():
        case = case_open(actor=actor, person_ids=ids, summary=summary, triage=triage, tags=tags,
                         primary_id=record.person_id, source_sheet_record_id=record.pk)
        person_binding.link_record_case(actor=actor, record=record, case_id=case.pk)
        if actor.role == Role.COORDINATOR and record.definition.is_routed \
                and record.route_status in ("", "sent", "received"):
            # the 連絡員 sees 「対応中」 on their つなぐシート (never the case itself)
            sheet_services.liaison_status_set(actor=actor, record=record, status="in_progress")
        event(case, actor, EventKind.SHEET,
              f"帳票から開始：{record.definition.title} #{record.pk}（{format_wareki(record.written_on)}記入）",
              link=reverse("sheets:detail", args=[record.pk]))
        case_problems_from_record(actor=actor, case=case, record=record)
        if rederive:
            sheet_links.derive(record=record, actor=actor, operation="retry")
    return case
