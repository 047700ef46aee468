"""Reading the audit trail: only auditors, only their own municipality."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kasane.accounts.models import Actor

from . import labels, services
from .models import AccessLog, Basis, ChangeRecord
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


# --- values of the change history: masked until opened with a reason ---------------------

# Record kinds whose values are not about a person (organizations, staff, grants' windows,
# the city's plans): shown in the list. Every other kind shows field names and who/when only.
OPEN_APPS = frozenset({"accounts", "pdca", "audit"})
OPEN_MODELS = frozenset({"access.Grant", "cases.CaseGrant", "sheets.SheetDefinition",
                         "meetings.MeetingBody"})
# Fields 閲覧制限 hides from everyone not named on it (people.presenters.MASKED_FIELDS and the
# keys and notes derived from them); auditors are never named, so they stay hidden.
RESTRICTED_FIELDS = frozenset({"postal_code", "address", "phone", "phone_mobile", "address_key",
                               "phone_key", "household", "household_id", "restriction_note",
                               "restriction_users"})
MIN_REASON = 10
MASK = "閲覧制限"


def values_open(model_label: str) -> bool:
    """Whether the list may show this kind's values without a reasoned request."""
    return model_label in OPEN_MODELS or model_label.split(".", 1)[0] in OPEN_APPS


def _ints(values: Any) -> set[int]:
    found: set[int] = set()
    for value in values if isinstance(values, list | tuple) else [values]:
        if isinstance(value, int) and not isinstance(value, bool):
            found.add(value)
        elif isinstance(value, str) and value.isdigit() and len(value) < 19:
            found.add(int(value))
    return found


def subject_person_ids(record: ChangeRecord) -> set[int]:
    """The persons a change record is about: the person itself, the ``person`` of a record
    that has one (now or in the recorded values), the subjects of a case or of a case's
    record. Used to log the auditor's reasoned read against each person."""
    from kasane.cases.models import CaseSubject

    if record.model == "people.Person":
        return _ints(record.object_id)
    ids: set[int] = set()
    case_ids: set[int] = set()
    for key in ("person_id", "person", "person_ids"):
        for pair in [record.changes.get(key)] if key in record.changes else []:
            ids |= _ints(pair)
    for key in ("case_id", "case"):
        if key in record.changes:
            case_ids |= _ints(record.changes[key])
    try:
        model = apps.get_model(record.model)
    except (LookupError, ValueError):
        model = None
    if model is not None and record.object_id.isdigit() and len(record.object_id) < 19:
        if record.model == "cases.Case":
            case_ids.add(int(record.object_id))
        names = {f.attname for f in model._meta.concrete_fields}
        wanted = [n for n in ("person_id", "case_id") if n in names]
        row = model.objects.filter(pk=int(record.object_id)).values(*wanted).first() if wanted else None
        if row:
            ids |= _ints(row.get("person_id"))
            case_ids |= _ints(row.get("case_id"))
    if case_ids:
        ids |= set(CaseSubject.objects.filter(case_id__in=case_ids).values_list("person_id", flat=True))
    return ids


@dataclass
class OpenedChange:
    record: ChangeRecord
    changes: dict[str, list[Any]]
    person_ids: list[int]
    masked_fields: list[str]


def change_record_get(*, membership: Actor, record_id: int) -> ChangeRecord:
    """One change record of the auditor's municipality (404 otherwise)."""
    require_auditor(membership)
    record = ChangeRecord.objects.filter(
        pk=record_id, municipality_id=membership.organization.municipality_id,
    ).select_related("organization", "user").first()
    if record is None:
        raise Http404
    return record


def change_record_open(*, membership: Actor, record_id: int, reason: str) -> OpenedChange:
    """The values of one change record for an auditor who gave a reason (≥ 10 characters).

    Logs ``audit.change_open`` with the reason once per person the record is about (so it
    reaches that person's disclosure report; once without a person when there is none).
    閲覧制限 still applies: the restricted fields of a restricted person stay masked."""
    from kasane.people.models import Person

    record = change_record_get(membership=membership, record_id=record_id)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError({"reason": f"理由を{MIN_REASON}文字以上で入力してください。"})
    persons = dict(Person.objects.filter(
        pk__in=subject_person_ids(record), municipality_id=membership.organization.municipality_id,
    ).values_list("pk", "restriction"))
    entries = [("audit.ChangeRecord", record.pk, pid, Basis.NOT_PERSONAL) for pid in sorted(persons)]
    services.access_log_many(user=membership.user, action="audit.change_open",
                             organization_id=membership.organization_id,
                             entries=entries or [("audit.ChangeRecord", record.pk, None, Basis.NOT_PERSONAL)],
                             detail=reason)
    restricted = any(persons.values())
    masked = sorted(f for f in record.changes if restricted and f in RESTRICTED_FIELDS)
    changes = {f: ([MASK, MASK] if f in masked else list(pair)) for f, pair in record.changes.items()}
    return OpenedChange(record=record, changes=changes, person_ids=sorted(persons),
                        masked_fields=masked)
