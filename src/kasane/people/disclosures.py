"""A person's disclosure report (開示記録): who saw or was refused the person, when, on what
basis. Built from the append-only AccessLog; for 監査 and the recording org's coordinators."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from kasane.access import policy
from kasane.accounts.models import Actor, Role
from kasane.audit.labels import action_label
from kasane.audit.models import AccessLog, Basis
from kasane.audit.services import access_log
from kasane.core.wareki import format_wareki

from .models import Person


@dataclass
class DisclosureReport:
    person_id: int
    person_name: str  # empty for auditors: they read the log, not the person's record
    rows: list[dict[str, Any]]


def disclosure_report(actor: Actor | None, person_id: int, *, export: bool = False) -> DisclosureReport:
    """The report, or PermissionDenied (wrong role) / Http404 (not theirs or nonexistent);
    refusals are logged as denied, the read itself is logged too."""
    action = "disclosure.export" if export else "disclosure.view"
    if actor is None or actor.role not in (Role.AUDITOR, Role.COORDINATOR):
        policy.log_denied(actor, action, person_id=person_id)
        raise PermissionDenied("開示記録は監査担当と推進員のみが閲覧できます。")
    person = Person.objects.filter(pk=person_id, municipality_id=policy.tenant_id(actor)).first()
    if person is None or not policy.can(actor, "disclosure.view", person):
        policy.log_denied(actor, action, person_id=person_id)
        raise Http404("見つかりません。")
    auditor = actor.role == Role.AUDITOR
    access_log(user=actor.user, action=f"person.{action}",
               basis=Basis.NOT_PERSONAL if auditor else Basis.OWN_RECORD,
               organization_id=actor.organization_id, object_type="people.Person",
               object_id=person.pk, person_id=person.pk,
               detail="監査: アクセス記録のみ" if auditor else "")
    logs = (AccessLog.objects.filter(municipality_id=person.municipality_id, person_id=person.pk)
            .order_by("-at", "-id").values_list(
                "at", "username", "action", "basis", "organization__name", "user__display_name",
                "user__username"))
    basis_labels = dict(Basis.choices)
    rows = [{  # plain values, no model instances: a long report reads thousands of rows
        "at": at, "user": display or login or username or "—", "username": username,
        "organization": org_name or "—", "action": action, "action_label": action_label(action),
        "basis": basis, "basis_label": basis_labels.get(basis, basis),
        "denied": basis == Basis.DENIED,
    } for at, username, action, basis, org_name, display, login in logs[:5000]]
    return DisclosureReport(person_id=person.pk, person_name="" if auditor else person.full_name,
                            rows=rows)


def disclosure_csv(report: DisclosureReport) -> bytes:
    """UTF-8 with BOM (opens in Excel)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["日時", "和暦", "利用者", "組織", "操作", "操作コード", "法的根拠", "根拠コード"])
    for r in report.rows:
        local = timezone.localtime(r["at"])
        writer.writerow([local.strftime("%Y-%m-%d %H:%M:%S"), format_wareki(local.date()),
                         r["user"], r["organization"], r["action_label"], r["action"],
                         r["basis_label"], r["basis"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
