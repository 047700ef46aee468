"""見守り network: helpers (見守り協力員・協力事業者・民生委員) per area, the area's担当者 who
receive 気づき, and 気づき reports entered by staff (a short smartphone form, or a CSV of an
internet-side form such as LoGoフォーム). A report is routed to the area's first担当者 (else a
推進員 of the tenant) and notified through ``kasane.notify``: a fixed title and a link, no
personal data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kasane.accounts.models import CASE_ROLES, Actor, Membership, Role
from kasane.areas.models import Area, AreaKind
from kasane.audit.services import change_record
from kasane.core import messages
from kasane.core.wareki import WarekiError, parse_date
from kasane.notify import services as notify_services

from ..models import (
    AreaContact,
    ReportChannel,
    ReportStatus,
    Watcher,
    WatcherKind,
    WatchReport,
)
from ..policy import deny, reports_for, require_community_write

NOTICE_TITLE = "見守りの気づきが届きました"


def watcher_register(*, actor: Actor, area: Area | None, kind: str, name: str,
                     contact: str = "") -> Watcher:
    require_community_write(actor, "watcher.create")
    errors: dict[str, str] = {}
    if area is None or area.municipality_id != actor.organization.municipality_id:
        errors["area"] = messages.CHOOSE
    if kind not in WatcherKind.values:
        errors["kind"] = messages.INVALID_CHOICE
    if not (name or "").strip():
        errors["name"] = messages.REQUIRED
    if errors:
        raise ValidationError(errors)
    assert area is not None
    watcher = Watcher(municipality_id=area.municipality_id, area=area, kind=kind,
                      name=name.strip()[:100], contact=(contact or "").strip()[:100])
    with transaction.atomic():
        watcher.full_clean()
        watcher.save()
        change_record(user=actor.user, instance=watcher, operation="create",
                      organization_id=actor.organization_id)
    return watcher


def area_contact_add(*, actor: Actor, area: Area, membership: Membership) -> AreaContact:
    """Name a CSW or coordinator who receives the area's 気づき (推進員 only)."""
    require_community_write(actor, "contact.add")
    if actor.role != Role.COORDINATOR:
        raise deny(actor, "contact.add", "圏域の担当者を決められるのは推進員です。")
    tenant = actor.organization.municipality_id
    if (membership.organization.municipality_id != tenant or membership.role not in CASE_ROLES
            or not membership.is_active or area.municipality_id != tenant):
        raise ValidationError({"membership": "この自治体の相談支援に携わる職員を選んでください。"})
    order = AreaContact.objects.filter(area=area).count() + 1
    with transaction.atomic():
        contact, _ = AreaContact.objects.get_or_create(
            area=area, membership=membership,
            defaults={"municipality_id": tenant, "order": order})
        change_record(user=actor.user, instance=contact, operation="create",
                      organization_id=actor.organization_id)
    return contact


def route_for(area: Area) -> Membership | None:
    """The area's first active担当者, else the tenant's first active 推進員."""
    for contact in AreaContact.objects.filter(area=area).select_related(
            "membership", "membership__organization", "membership__user"):
        m = contact.membership
        if m.is_active and m.role in CASE_ROLES and m.organization.is_active:
            return m
    return Membership.objects.select_related("organization", "user").filter(
        organization__municipality_id=area.municipality_id, organization__is_active=True,
        role=Role.COORDINATOR, is_active=True).order_by("id").first()


def watch_report_enter(*, actor: Actor, area: Area | None, received_on: dt.date | None,
                       summary: str, watcher: Watcher | None = None,
                       channel: str = ReportChannel.PHONE, place_hint: str = "") -> WatchReport:
    """Enter a 気づき and route it: the担当者 gets a notification (title + link only)."""
    require_community_write(actor, "report.create")
    tenant = actor.organization.municipality_id
    errors: dict[str, str] = {}
    if area is None or area.municipality_id != tenant:
        errors["area"] = messages.CHOOSE
    if received_on is None:
        errors["received_on"] = messages.REQUIRED
    elif received_on > timezone.localdate():
        errors["received_on"] = messages.FUTURE_DATE
    if not (summary or "").strip():
        errors["summary"] = messages.REQUIRED
    if channel not in ReportChannel.values:
        errors["channel"] = messages.INVALID_CHOICE
    if watcher is not None and watcher.municipality_id != tenant:
        errors["watcher"] = messages.INVALID_CHOICE
    routed = route_for(area) if area is not None and "area" not in errors else None
    if area is not None and not errors and routed is None:
        errors["area"] = "この圏域の担当者も推進員もいないため、つなぐ先がありません。"
    if errors:
        raise ValidationError(errors)
    assert area is not None and routed is not None and received_on is not None
    report = WatchReport(municipality_id=tenant, area=area, watcher=watcher,
                         received_on=received_on, channel=channel, summary=summary.strip(),
                         place_hint=(place_hint or "").strip()[:200], routed_to=routed,
                         organization=actor.organization, created_by=actor.user)
    with transaction.atomic():
        report.full_clean()
        report.save()
        change_record(user=actor.user, instance=report, operation="create",
                      organization_id=actor.organization_id)
        notify_services.notify(memberships=[routed], kind="watch_report", title=NOTICE_TITLE,
                               url=reverse("community:report", args=[report.pk]),
                               object_type="community.WatchReport", object_id=report.pk)
    return report


def watch_report_handle(*, actor: Actor, report_id: Any) -> WatchReport:
    """The routed担当者 (or the entering organization, a 推進員) marks a 気づき 対応済み."""
    report = reports_for(actor).filter(pk=report_id).first()
    if report is None:
        raise deny(actor, "report.handle", "この気づきは扱えません。",
                     object_type="community.WatchReport", object_id=report_id)
    if report.status == ReportStatus.HANDLED:
        raise ValidationError({"status": "すでに対応済みです。"})
    with transaction.atomic():
        report.status = ReportStatus.HANDLED
        report.save(update_fields=["status"])
        change_record(user=actor.user, instance=report, operation="update",
                      organization_id=actor.organization_id, reason="対応済み")
    return report


@dataclass
class ImportResult:
    created: list[WatchReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


CSV_COLUMNS = ("受けた日", "圏域", "内容", "場所の目安", "報告者")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": "文字コードを読めません（UTF-8 か Shift_JIS の CSV にしてください）。"})


def watch_reports_import(*, actor: Actor, data: bytes) -> ImportResult:
    """Import 気づき from a CSV (columns 受けた日, 圏域 (code or name), 内容, 場所の目安, 報告者).
    Every row is checked first; one bad row imports nothing (errors name row and column)."""
    require_community_write(actor, "report.import")
    if not data:
        raise ValidationError({"file": messages.FILE_EMPTY})
    rows = list(csv.DictReader(io.StringIO(_decode(data))))
    missing = [c for c in CSV_COLUMNS[:3] if rows and c not in rows[0]]
    if missing or not rows:
        raise ValidationError({"file": f"見出しの行に「{'」「'.join(missing or CSV_COLUMNS[:3])}」が必要です。"})
    tenant = actor.organization.municipality_id
    areas = {a.code: a for a in Area.objects.filter(municipality_id=tenant,
                                                   kind=AreaKind.DAILY_LIFE_AREA)}
    areas.update({a.name: a for a in list(areas.values())})
    watchers = {w.name: w for w in Watcher.objects.filter(municipality_id=tenant, is_active=True)}
    result = ImportResult()
    with transaction.atomic():
        for n, row in enumerate(rows, start=2):
            received_on = _row_date(row.get("受けた日") or "")
            if received_on is None and (row.get("受けた日") or "").strip():
                result.errors.append(f"{n}行目 受けた日: {messages.INVALID_DATE}")
                continue
            try:
                result.created.append(watch_report_enter(
                    actor=actor, area=areas.get((row.get("圏域") or "").strip()),
                    received_on=received_on,
                    summary=row.get("内容") or "", place_hint=row.get("場所の目安") or "",
                    watcher=watchers.get((row.get("報告者") or "").strip()),
                    channel=ReportChannel.IMPORT))
            except ValidationError as exc:
                labels = {"area": "圏域", "received_on": "受けた日", "summary": "内容"}
                for key, texts in exc.message_dict.items():
                    result.errors.extend(f"{n}行目 {labels.get(key, key)}: {t}" for t in texts)
        if result.errors:
            transaction.set_rollback(True)
            result.created = []
    return result


def _row_date(text: str) -> dt.date | None:
    try:
        return parse_date(text.strip()) if text.strip() else None
    except WarekiError:
        return None
