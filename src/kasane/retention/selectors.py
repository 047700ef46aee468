"""Which records have outlived their retention period (the dry-run report), and which are held.

Rules (per tenant; periods from ``RetentionPolicy`` rows, else ``settings.KASANE_RETENTION_YEARS``):

- **case**: a 終結 case (status ``closed``; 見守り継続 is still a relationship and never expires)
  whose latest 終結日 is at least N years before the reference day. It goes with its
  contacts, referrals, plans, monitoring, closures, timeline, agenda items, decisions,
  alerts, and the sheet records linked to it.
- **sheet**: a sheet record not linked to a case, N years after its 記入日.
- **person**: a person last changed N years ago or more, none of whose cases or sheet
  records remains (each is already purged or expires in the same run).

A legal hold on a person covers the person, every case they are a subject of and their sheet
records; a hold on a case covers the case, its linked sheets and its subjects. Held records
are never purged: the report lists them under ``held`` with the reasons, only when they
would otherwise have expired. Records purged before are never selected again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils import timezone

from kasane.accounts.models import Municipality
from kasane.cases.models import Case, CaseSubject, Status
from kasane.people.models import Person
from kasane.sheets.models import SheetRecord

from .models import LegalHold, PurgedRecord, PurgeRun, RecordType, RetentionPolicy

T = RecordType


@dataclass(frozen=True)
class Candidate:
    """One record past its period: ``due_on`` is the day its retention ended."""

    record_type: str
    object_id: int
    due_on: dt.date
    holds: tuple[str, ...] = ()


@dataclass
class PurgePlan:
    municipality: Municipality
    as_of: dt.date
    years: dict[str, int]
    expiring: dict[str, list[Candidate]] = field(default_factory=dict)
    held: dict[str, list[Candidate]] = field(default_factory=dict)
    case_sheets: dict[int, list[int]] = field(default_factory=dict)

    def ids(self, record_type: str) -> list[int]:
        return [c.object_id for c in self.expiring.get(record_type, [])]

    def summary(self) -> dict[str, dict[str, int]]:
        """``{"expiring": {type: n}, "held": {type: n}}`` (case-linked sheets counted apart)."""
        return {
            "expiring": {t: len(self.expiring.get(t, [])) for t in T.values}
            | {"case_sheet": sum(len(v) for v in self.case_sheets.values())},
            "held": {t: len(self.held.get(t, [])) for t in T.values},
        }


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_years(municipality: Municipality) -> dict[str, int]:
    """The tenant's period (years) for each record type."""
    years = {t: int(settings.KASANE_RETENTION_YEARS[t]) for t in T.values}
    for policy in RetentionPolicy.objects.filter(municipality=municipality):
        years[policy.record_type] = policy.years
    return years


def active_holds(*, municipality: Municipality) -> QuerySet[LegalHold]:
    """The tenant's legal holds not released (the 保存期間と廃棄 screen)."""
    return LegalHold.objects.filter(municipality=municipality, released_at__isnull=True) \
        .select_related("created_by")


def recent_runs(*, municipality: Municipality, limit: int = 20) -> list[PurgeRun]:
    """The tenant's last ``limit`` purge runs, newest first."""
    return list(PurgeRun.objects.filter(municipality=municipality)
                .select_related("started_by").order_by("-started_at", "-id")[:limit])


def _purged(record_type: str) -> set[int]:
    return set(PurgedRecord.objects.filter(record_type=record_type)
               .values_list("object_id", flat=True))


def _holds(municipality: Municipality) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    persons: dict[int, list[str]] = defaultdict(list)
    cases: dict[int, list[str]] = defaultdict(list)
    for hold in LegalHold.objects.filter(municipality=municipality, released_at__isnull=True):
        if hold.person_id:
            persons[hold.person_id].append(hold.reason)
        elif hold.case_id:
            cases[hold.case_id].append(hold.reason)
    return persons, cases


def _split(candidates: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    return [c for c in candidates if not c.holds], [c for c in candidates if c.holds]


def purge_plan(*, municipality: Municipality, as_of: dt.date | None = None) -> PurgePlan:
    """Every record of the tenant past its period on ``as_of`` (today), split into expiring
    and held. Reads ids and dates only."""
    as_of = as_of or timezone.localdate()
    plan = PurgePlan(municipality=municipality, as_of=as_of, years=retention_years(municipality))
    held_persons, held_cases = _holds(municipality)
    subjects: dict[int, set[int]] = defaultdict(set)

    # cases: past their period since the latest 終結日
    purged_cases = _purged(T.CASE)
    limit = add_years(as_of, -plan.years[T.CASE])
    due_cases = [(pk, closed_on) for pk, closed_on in
                 Case.objects.filter(municipality=municipality, status=Status.CLOSED)
                 .annotate(closed_on=Max("closures__closed_on"))
                 .filter(closed_on__lte=limit).values_list("pk", "closed_on")
                 if pk not in purged_cases]
    for case_id, person_id in CaseSubject.objects.filter(
            case_id__in=[pk for pk, _ in due_cases]).values_list("case_id", "person_id"):
        subjects[case_id].add(person_id)
    cases = [Candidate(T.CASE, pk, add_years(closed_on, plan.years[T.CASE]), tuple(
        held_cases.get(pk, []) + [f"本人 #{p}: {r}" for p in sorted(subjects[pk])
                                  for r in held_persons.get(p, [])]))
        for pk, closed_on in due_cases]
    plan.expiring[T.CASE], plan.held[T.CASE] = _split(cases)
    persons_of_held_cases = {p for c in plan.held[T.CASE] for p in subjects[c.object_id]}

    # sheets linked to a due case go with it; others have their own period
    purged_sheets = _purged(T.SHEET)
    expiring_cases = set(plan.ids(T.CASE))
    due_case_ids = {pk for pk, _ in due_cases}
    case_sheet_ids: set[int] = set()
    for sheet_id, linked_case in SheetRecord.objects.filter(
            case_id__in=due_case_ids).values_list("pk", "case_id"):
        if sheet_id not in purged_sheets:
            case_sheet_ids.add(sheet_id)
            if linked_case in expiring_cases:
                plan.case_sheets.setdefault(linked_case or 0, []).append(sheet_id)
    limit = add_years(as_of, -plan.years[T.SHEET])
    sheets = [Candidate(T.SHEET, pk, add_years(written_on, plan.years[T.SHEET]),
                        tuple(held_persons.get(person_id or 0, [])) + (
                            ("ケースの保存継続により",) if person_id in persons_of_held_cases else ()))
              for pk, written_on, person_id in SheetRecord.objects.filter(
                  municipality=municipality, case_id__isnull=True, written_on__lte=limit)
              .values_list("pk", "written_on", "person_id") if pk not in purged_sheets]
    plan.expiring[T.SHEET], plan.held[T.SHEET] = _split(sheets)

    # persons: nothing left about them once this run is done
    purged_persons = _purged(T.PERSON)
    limit = add_years(as_of, -plan.years[T.PERSON])
    due_persons = {pk: updated.date() for pk, updated in Person.objects.filter(
        municipality=municipality, updated_at__date__lte=limit).values_list("pk", "updated_at")
        if pk not in purged_persons}
    gone_cases = purged_cases | due_case_ids
    for person_id, case_id in CaseSubject.objects.filter(
            person_id__in=list(due_persons)).values_list("person_id", "case_id"):
        if case_id not in gone_cases:
            due_persons.pop(person_id, None)
    gone_sheets = purged_sheets | case_sheet_ids | {c.object_id for c in sheets}
    for sheet_id, sheet_person in SheetRecord.objects.filter(
            person_id__in=list(due_persons)).values_list("pk", "person_id"):
        if sheet_id not in gone_sheets:
            due_persons.pop(sheet_person or 0, None)
    persons = [Candidate(T.PERSON, pk, add_years(changed, plan.years[T.PERSON]),
                         tuple(held_persons.get(pk, [])) + (
                             ("ケースの保存継続により",) if pk in persons_of_held_cases else ()))
               for pk, changed in sorted(due_persons.items())]
    plan.expiring[T.PERSON], plan.held[T.PERSON] = _split(persons)
    return plan
