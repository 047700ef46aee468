"""Community activities not tied to a case (CSW 地域支援, 出張相談会, 研修・養成講座, 周知) and the
拠点 daily logs: counts only. A future date or a negative count is refused with a Japanese
message naming the field; nothing is half-saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kasane.accounts.models import Actor
from kasane.areas.models import Area, AreaKind
from kasane.audit.services import change_record
from kasane.cases import policy as case_policy
from kasane.cases.models import ProjectTag
from kasane.core import messages
from kasane.core.ids import as_id
from kasane.resources.models import Place
from kasane.sheets import policy as sheet_policy

from ..models import AGE_BANDS, Activity, ActivityKind, HubLog
from ..policy import require_community_write

COUNTS = {"sessions": "回数", "participants": "参加者数", "consultations": "受けた相談",
          "connected": "つないだ数", "completions": "修了者数"}


def _count_errors(values: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, label in labels.items():
        value = values.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors[key] = messages.at(label, messages.WHOLE_NUMBER)
        elif value < 0:
            errors[key] = messages.at(label, messages.MIN_VALUE.format(limit=0))
    return errors


def _date_error(value: dt.date | None, label: str) -> str:
    if value is None:
        return messages.at(label, messages.REQUIRED)
    if value > timezone.localdate():
        return messages.at(label, messages.FUTURE_DATE)
    return ""


def area_by_code(actor: Actor, code: str) -> Area | None:
    return Area.objects.filter(municipality_id=actor.organization.municipality_id,
                               kind=AreaKind.DAILY_LIFE_AREA, code=(code or "").strip()).first()


def activity_record(*, actor: Actor, kind: str, held_on: dt.date | None,
                    area: Area | None = None, area_code: str = "", title: str = "",
                    place: str = "", partners: str = "", target: str = "", content: str = "",
                    tags: Iterable[str] = (), case_ids: Iterable[Any] = (),
                    sheet_record_ids: Iterable[Any] = (), **counts: Any) -> Activity:
    """Record one activity of the actor's organization. ``area_code`` (the API) or ``area``;
    counts are ``sessions``, ``participants``, ``consultations``, ``connected``,
    ``completions``; ``tags`` are project tag codes; cases and sheets opened there must be
    visible to the actor (``cases.policy`` / ``sheets.policy``)."""
    require_community_write(actor, "activity.create")
    errors: dict[str, str] = {}
    if kind not in ActivityKind.values:
        errors["kind"] = messages.at("種類", messages.INVALID_CHOICE)
    if area is None and area_code:
        area = area_by_code(actor, area_code)
        if area is None:
            errors["area"] = f"圏域: コード「{area_code}」の日常生活圏域が見つかりません。"
    if area is not None and area.municipality_id != actor.organization.municipality_id:
        errors["area"] = messages.at("圏域", messages.INVALID_CHOICE)
    if message := _date_error(held_on, "実施日"):
        errors["held_on"] = message
    unknown = [t for t in tags if t not in ProjectTag.values]
    if unknown:
        errors["tags"] = f"事業: 「{'、'.join(unknown)}」は事業の区分にありません。"
    if set(counts) - set(COUNTS):
        raise TypeError(f"unknown counts: {sorted(set(counts) - set(COUNTS))}")
    errors.update(_count_errors(counts, COUNTS))
    connected, consultations = counts.get("connected") or 0, counts.get("consultations") or 0
    if not errors and isinstance(connected, int) and connected > max(consultations, 0) > 0:
        errors["connected"] = "つないだ数: 受けた相談の数以下にしてください。"
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    cases = case_policy.visible_cases(actor).filter(pk__in={as_id(i) for i in case_ids})
    records = sheet_policy.visible_records(actor).filter(pk__in={as_id(i) for i in sheet_record_ids})
    activity = Activity(municipality_id=actor.organization.municipality_id, kind=kind, area=area,
                        held_on=held_on, title=title.strip()[:200], place=place.strip()[:200],
                        partners=partners.strip()[:200], target=target.strip()[:200],
                        content=content.strip(), tags=list(dict.fromkeys(tags)),
                        organization=actor.organization, created_by=actor.user,
                        **{k: v for k, v in counts.items() if v is not None})
    with transaction.atomic():
        activity.full_clean()
        activity.save()
        activity.cases.set(cases)
        activity.sheet_records.set(records)
        change_record(user=actor.user, instance=activity, operation="create",
                      organization_id=actor.organization_id)
    return activity


def hub_log_save(*, actor: Actor, place: Place, on: dt.date | None, connected_to: str = "",
                 note: str = "", **counts: Any) -> HubLog:
    """One day of a 拠点: visits by age band, consultations, connected (and where) — counts
    only. Saving the same day again replaces that day's counts."""
    require_community_write(actor, "hub.log")
    labels = {**dict(AGE_BANDS), "consultations": "相談", "connected": "つないだ数"}
    if set(counts) - set(labels):
        raise TypeError(f"unknown counts: {sorted(set(counts) - set(labels))}")
    errors = _count_errors(counts, labels)
    if message := _date_error(on, "日付"):
        errors["on"] = message
    if place.municipality_id != actor.organization.municipality_id:
        errors["place"] = messages.at("拠点", messages.INVALID_CHOICE)
    if errors:
        raise ValidationError(errors)
    assert on is not None
    values = {k: counts.get(k) or 0 for k in labels}  # the day's counts, replaced whole
    with transaction.atomic():
        log, created = HubLog.objects.select_for_update().get_or_create(
            place=place, on=on, defaults={"municipality_id": place.municipality_id,
                                          "organization": actor.organization,
                                          "created_by": actor.user})
        for key, value in values.items():
            setattr(log, key, value)
        log.connected_to, log.note = connected_to.strip()[:300], note.strip()[:500]
        log.full_clean()
        log.save()
        change_record(user=actor.user, instance=log, operation="create" if created else "update",
                      organization_id=actor.organization_id)
    return log
