"""Notifications and 緊急案件 API (contract of issue 16). Same services and policies as the
screens; errors are JSON ``{"detail": ...}``; an alert's field errors answer 422."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from kasane.access.http import acting

from . import policy, selectors, services
from .models import Notification

router = Router(tags=["notify"])
NO_ROLE = "緊急案件を扱えるのは相談支援に携わる職員です。"


class Detail(Schema):
    detail: str


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    url: str
    created_at: dt.datetime
    read: bool
    priority: int

    @staticmethod
    def resolve_read(note: Notification) -> bool:
        return note.read_at is not None


class NotificationList(Schema):
    items: list[NotificationOut]
    count: int
    unread: int


@router.get("/notifications", response=NotificationList)
def notifications(request: HttpRequest, unread: int = 0, limit: int = 50) -> dict[str, Any]:
    """The signed-in user's notifications (``unread=1``: only unread, urgent first); ``count``
    is the number of matching notifications, ``unread`` the user's unread total."""
    qs = selectors.notifications_for(request.user, unread=bool(unread))  # type: ignore[arg-type]
    return {"items": list(qs[:max(1, min(limit, 200))]), "count": qs.count(),
            "unread": selectors.unread_count(request.user)}  # type: ignore[arg-type]


class ReadOut(Schema):
    id: int
    read: bool


@router.post("/notifications/{notification_id}/read", response={200: ReadOut, 404: Detail})
def notification_read(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    note = services.notification_mark_read(user=request.user,  # type: ignore[arg-type]
                                           notification_id=notification_id)
    return {"id": note.pk, "read": True}


class ReadAllOut(Schema):
    marked: int


@router.post("/notifications/read-all", response=ReadAllOut)
def notifications_read_all(request: HttpRequest) -> dict[str, Any]:
    return {"marked": services.notification_mark_all_read(user=request.user)}  # type: ignore[arg-type]


class AlertIn(Schema):
    case_id: int | None = None
    person_id: int | None = None
    urgency: str
    summary: str
    needed: str
    target_organization_ids: list[int] = []
    to_rota: bool = False


class AlertOut(Schema):
    id: int
    status: str


class AlertErrors(Schema):
    detail: str
    errors: dict[str, str]


@router.post("/alerts", response={201: AlertOut, 403: Detail, 404: Detail, 422: AlertErrors})
def alert_create(request: HttpRequest, payload: AlertIn) -> tuple[int, dict[str, Any]]:
    """発信. An empty ``target_organization_ids`` without ``"to_rota": true`` → 422."""
    member = acting(request, NO_ROLE)
    try:
        alert = services.alert_raise(actor=member, **payload.dict())
    except ValidationError as exc:
        errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        return 422, {"detail": next(iter(errors.values())), "errors": errors}
    return 201, {"id": alert.pk, "status": alert.status}


@router.post("/alerts/{alert_id}/ack", response={200: AlertOut, 403: Detail, 404: Detail})
def alert_ack(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    """受領 by the signed-in recipient (idempotent)."""
    member = acting(request, NO_ROLE)
    alert = services.alert_acknowledge(actor=member,
                                       alert=policy.require_alert(member, alert_id, action="ack"))
    return {"id": alert.pk, "status": alert.status}
