"""Helpers of participation's services: the acting checks, the case timeline entry, dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from kasane.accounts.models import Actor
from kasane.cases import services as case_services
from kasane.cases.models import Case, EventKind
from kasane.core.ids import as_id
from kasane.core.wareki import format_wareki

from .. import policy


def require_manager(actor: Actor, case: Case) -> None:
    """Only an organization involved in the case records 参加支援 on it (refusal raised)."""
    policy.require_handler(actor)
    if not policy.can_manage(actor, case):
        raise PermissionDenied(policy.NOT_INVOLVED)


def subject_of(case: Case, person_id: object) -> int:
    """The person's id when they are a subject of the case, else a field error."""
    ids = set(case.subjects.values_list("person_id", flat=True))
    pid = as_id(person_id) or None
    if pid is None and len(ids) == 1:
        return next(iter(ids))
    if pid not in ids:
        raise ValidationError({"person": "このケースの本人を選んでください。"})
    return int(pid)


def timeline(case: Case, actor: Actor, text: str, link: str = "") -> None:
    """One entry on the case's timeline (kind 参加支援)."""
    case_services.event(case, actor, EventKind.PARTICIPATION, text, link=link)


def wareki(day: dt.date | None) -> str:
    return format_wareki(day) if day else "—"


def as_date(value: Any, field: str, label: str, *, required: bool = True) -> dt.date | None:
    """A date from a form/API value (date or ISO text); a field error when missing or bad."""
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        if required:
            raise ValidationError({field: f"{label}を入力してください。"})
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: f"{label}の日付が正しくありません。"}) from None
