"""Helpers shared by the sheet views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from kasane.accounts.http import membership_of
from kasane.accounts.models import Membership

from .. import selectors


def actor_of(request: HttpRequest) -> Membership:
    actor = membership_of(request)
    if actor is None:
        raise PermissionDenied("所属が登録されていません。")
    return actor


def ref_options(actor: Membership, code: str | None = None) -> dict[str, list[tuple[int, str]]]:
    """The 担当者/機関 pickers of sheet ``code``: role-appropriate staff and agencies only
    (``sheets.selectors.ref_choices``; validation refuses any other id)."""
    return selectors.ref_choices(municipality_id=actor.organization.municipality_id, code=code)


def error_dict(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {k: " ".join(v) for k, v in exc.message_dict.items()}
    return {"__all__": " ".join(exc.messages)}


def header_from_post(request: HttpRequest) -> dict[str, Any]:
    """System inputs as sent: _tags (checkboxes), _written_on (the text typed: the services
    read it), _sensitive (checkboxes), reason."""
    return {"tags": request.POST.getlist("_tags"),
            "sensitive_keys": request.POST.getlist("_sensitive"),
            "written_on": request.POST.get("_written_on", ""),
            "reason": request.POST.get("reason", "")}


def lock_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("_lock_version", "")
    return int(raw) if raw.isdigit() else None


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
