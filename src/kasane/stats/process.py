"""Process evaluation of continuous involvement (seed 004: 「継続的な関わりのプロセスを評価する」)
for one case: contacts over time (incl. failed attempts), relationship-stage progression, consent
over time, organizations connected, days to the first reached contact, days from each referral
to its answer. Read for a case the viewer already opened (the case page checked it); the
aggregate figures are registry metrics (``cases.first_contact_days``, ``referrals.response_days``,
``outreach.reach_rate``, ``outreach.relation_rate``) on the dashboards."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from kasane.cases.models import Case, Contact, Involvement, Referral, Stage
from kasane.people.models import Consent

STAGE_ORDER = [s.value for s in Stage]


@dataclass
class CaseProcess:
    months: list[str] = field(default_factory=list)
    reached: list[int | None] = field(default_factory=list)
    missed: list[int | None] = field(default_factory=list)
    stages: list[tuple[Any, str]] = field(default_factory=list)  # (date, label) first reached
    consents: list[dict[str, Any]] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)
    first_contact_days: float | None = None
    referrals: list[dict[str, Any]] = field(default_factory=list)


def case_process(case: Case) -> CaseProcess:
    out = CaseProcess()
    contacts = list(Contact.objects.filter(case=case).order_by("at", "id")
                    .values_list("at", "reached", "stage"))
    by_month: dict[str, Counter[bool]] = {}
    best = -1
    labels = dict(Stage.choices)
    for at, reached, stage in contacts:
        local = timezone.localtime(at)
        by_month.setdefault(f"{local.year}/{local.month}", Counter())[reached] += 1
        if stage and STAGE_ORDER.index(stage) > best:
            best = STAGE_ORDER.index(stage)
            out.stages.append((local.date(), str(labels[stage])))
    out.months = list(by_month)
    out.reached = [c[True] for c in by_month.values()]
    out.missed = [c[False] for c in by_month.values()]
    first = next((at for at, reached, _ in contacts if reached), None)
    if first is not None:
        out.first_contact_days = round(max((first - case.opened_at).total_seconds(), 0) / 86400, 1)
    _load_relations(case)
    person_ids = [s.person_id for s in case.subjects.all()]
    out.consents = [{"obtained_on": c.obtained_on, "withdrawn_on": c.withdrawn_on,
                     "valid_until": c.valid_until, "purposes": len(c.purposes or [])}
                    for c in Consent.objects.filter(person_id__in=person_ids)
                    .order_by("obtained_on", "id")]
    out.organizations = [{"name": i.organization.name, "role": i.get_role_display(),
                          "started_on": i.started_on, "ended_on": i.ended_on}
                         for i in sorted(case.involvements.all(),
                                         key=lambda i: (i.started_on, i.pk))]
    out.referrals = [{"to": r.to_org.name, "status": r.get_status_display(),
                      "created": timezone.localtime(r.created_at).date(),
                      "days": round((r.responded_at - r.created_at).total_seconds() / 86400, 1)
                      if r.responded_at else None}
                     for r in sorted(case.referrals.all(), key=lambda r: (r.created_at, r.pk))]
    return out


def _load_relations(case: Case) -> None:
    """The subjects, involvements (with organizations) and referrals (with the receiving
    organization) of ``case``: read from the case when the case page already loaded them
    (``cases.selectors.page_relations``), else one query each."""
    prefetch_related_objects(
        [case], "subjects",
        Prefetch("involvements", queryset=Involvement.objects.select_related("organization")),
        Prefetch("referrals", queryset=Referral.objects.select_related("to_org")))
