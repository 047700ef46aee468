"""Reading the audit trail: only auditors, only their own municipality."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kasane.accounts.models import Actor

from . import labels
from .models import AccessLog, ChangeRecord
from .policy import require_auditor


def _period(qs: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
    """Rows whose ``at`` falls on the local dates date_from..date_to (both inclusive)."""
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        qs = qs.filter(at__gte=dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=tz))
    if filters.get("date_to"):
        qs = qs.filter(at__lt=dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1),
                                                  dt.time.min, tzinfo=tz))
    return qs


def access_logs_search(*, membership: Actor, filters: dict[str, Any]) -> QuerySet[AccessLog]:
    """Rows of the auditor's municipality matching ``filters`` (cleaned AuditSearchForm data)."""
    require_auditor(membership)
    qs = _period(AccessLog.objects.filter(
        municipality_id=membership.organization.municipality_id), filters)
    if filters.get("username"):
        qs = qs.filter(username__icontains=filters["username"])
    if filters.get("organization"):
        qs = qs.filter(organization_id=filters["organization"].pk)
    action = filters.get("action") or ""
    if action.startswith(labels.AREA_PREFIX):
        qs = qs.filter(action__in=labels.area_actions(action.removeprefix(labels.AREA_PREFIX)))
    elif action:
        qs = qs.filter(action=action)
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("basis"):
        qs = qs.filter(basis=filters["basis"])
    if filters.get("person_id"):
        qs = qs.filter(person_id=filters["person_id"])
    if filters.get("request_id"):
        qs = qs.filter(request_id=filters["request_id"])
    return qs.select_related("organization", "user")


def change_records_search(*, membership: Actor, filters: dict[str, Any]) -> QuerySet[ChangeRecord]:
    """Change history rows of the auditor's municipality matching ``filters``."""
    require_auditor(membership)
    qs = _period(ChangeRecord.objects.filter(
        municipality_id=membership.organization.municipality_id), filters)
    model = filters.get("model") or ""
    if model in labels.OBJECTS and "." in model:  # a record kind from the list: that kind only
        qs = qs.filter(model=model)
    elif model:  # typed text: any kind whose label contains it, as before
        qs = qs.filter(model__icontains=model)
    if filters.get("object_id"):
        qs = qs.filter(object_id=filters["object_id"])
    if filters.get("username"):
        qs = qs.filter(user__username__icontains=filters["username"])
    return qs.select_related("organization", "user")
