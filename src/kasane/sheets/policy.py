"""Who may see and write sheet records (DESIGN.md §5), built on ``access.policy``.

``visible_records(actor)`` is the one rule for which records a membership may see: own
organization's submitted records and own drafts (case roles), a 連絡員's own submissions,
and another organization's submitted record about a person the actor may see
(``access.policy``) when the actor also has a basis for the *sheet* — consent covering the
sheet's purpose, emergency, or the linked case reached through ``sheets.reach`` (filled by
cases: Involvement, pledged meeting attendees). Anonymous つなぐシート go to coordinators,
地域課題 to coordinators and its 情報提供先. Reads are logged with their basis
(``require_record``, ``log_records_listed`` — bulk, ``RecordBases``), denials too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kasane.access import compiled, policy
from kasane.access.models import SCOPE_ALL, Grant
from kasane.accounts.models import CASE_ROLES, Actor, Role
from kasane.audit.models import Basis
from kasane.audit.services import access_log, access_log_many
from kasane.core.request_memo import memoised
from kasane.people.models import Person, Purpose

from .masking import restricted_record_ids
from .models import RecordStatus, SheetAttachment, SheetImport, SheetRecord, SheetShare
from .reach import CASE_REACH, case_reach

LIAISON_CODE = "liaison"
# Roles that may write sheets; a 連絡員 writes only these.
LIAISON_SHEETS = frozenset({LIAISON_CODE, "area_issue"})
DEFINITION_EDITORS = frozenset({Role.ADMIN, Role.SECRETARIAT})


def can_write(actor: Actor | None, code: str) -> bool:
    if actor is None or not actor.is_active:
        return False
    if actor.role in CASE_ROLES:
        return True
    return actor.role == Role.LIAISON and code in LIAISON_SHEETS


def require_write(actor: Actor | None, code: str) -> Actor:
    if actor is None or not can_write(actor, code):
        raise PermissionDenied("この帳票を記入する権限がありません。")
    return actor


# The purpose a consent must cover for a sheet about a person to be shared on it
# (docs/sheets.md "Visibility"). A municipality's own sheet (another code) is shared by
# consent only when its schema names a purpose that maps here — today: never.
CONSULTATION_SHEETS = frozenset({
    "intake_application", "intake_application_no_consent", "comprehensive_consultation",
    "intake_assessment", "nine_grid", "proposal", "support_plan", "closure_evaluation",
    "outreach", LIAISON_CODE})
PURPOSE_SHEETS: dict[str, frozenset[str]] = {
    Purpose.INFORMATION_SHARING: CONSULTATION_SHEETS,
    Purpose.PARTICIPATION: frozenset({"participation"}),
}
AREA_ISSUE_CODE = "area_issue"


def sheet_purpose(code: str) -> str | None:
    """The consent purpose a sheet about a person is shared for (None: never by consent)."""
    return next((p for p, codes in PURPOSE_SHEETS.items() if code in codes), None)


def _grant_persons(actor: Actor, basis: str, purpose: str | None,
                   at: dt.datetime | None) -> QuerySet[Grant, int]:
    return policy.active_grants(actor, purpose=purpose, at=at).filter(basis=basis) \
        .values_list("person_id", flat=True)


def _shared_rule(actor: Actor, at: dt.datetime | None) -> Q:
    """Submitted records of *other* organizations shared with ``actor`` on a legal basis (the
    person's consent for the sheet's purpose, emergency access, case reach), or — a 地域課題
    sheet naming no person — by 情報提供先 and to the tenant's coordinators."""
    person_ok = Q(person_id__in=policy.visible_persons(actor, at=at).values("pk"))
    by_person = Q(person_id__in=_grant_persons(actor, Basis.EMERGENCY, None, at))
    for purpose, codes in PURPOSE_SHEETS.items():
        by_person |= Q(definition__code__in=codes,
                       person_id__in=_grant_persons(actor, Basis.CONSENT, purpose, at))
    by_case = Q(pk__in=[])
    for r in case_reach(actor, at):
        linked = Q(case_id__in=r.case_ids)
        if r.purpose is not None:
            linked &= Q(person_id__isnull=True) | Q(
                person_id__in=_grant_persons(actor, Basis.CONSENT, r.purpose, at))
        by_case |= linked
    area = Q(definition__code=AREA_ISSUE_CODE, person_id__isnull=True)
    if actor.role != Role.COORDINATOR:
        area &= Q(pk__in=SheetShare.objects.filter(organization_id=actor.organization_id)
                  .values("record_id"))
    return Q(status=RecordStatus.SUBMITTED) & (
        (Q(person_id__isnull=False) & person_ok & (by_person | by_case))
        | (Q(person_id__isnull=True) & by_case) | area)


@memoised
def visible_records(actor: Actor | None, *, at: dt.datetime | None = None) -> QuerySet[SheetRecord]:
    """Records ``actor`` may see (docs/sheets.md "Visibility"):

    - CASE_ROLES: submitted records of their own organization (basis own_record) and their
      own drafts;
    - a submitted record of another organization about a person the actor may see
      (``access.policy``), when the actor has a basis for the person *and* for the sheet:
      a consent grant whose scope covers the sheet's purpose (``sheet_purpose``), an
      emergency grant (read only), or the case the record is linked to (``case_id``) reached
      through ``sheets.reach`` — an active Involvement, or a pledged 支援会議 attendee inside
      the review window (a 重層的支援会議 also needs consent for ``multilayer_meeting``);
    - anonymous sheets: a つなぐシート naming no person reaches the tenant's coordinators
      (routed; a bound one only while they may see the person), a 地域課題 sheet the
      coordinators and the organizations it names in 情報提供先 (``SheetShare``);
    - a 連絡員 (liaison): only records they wrote;
    - nobody else (admin, auditor, secretariat, committee) sees record content.

    Drafts are never shared. Records of the actor's own organization stay visible whatever
    happens to grants: the answers are the organization's own record (own_record —
    docs/access.md); the link to the core Person opens only through ``require_person``, and
    閲覧制限 / 機微 masking (``masking``) applies on every output.

    At the current time the rule comes precompiled (``access.compiled.pk_filter``: the
    records' ids, selected by the database when the query runs).
    """
    if actor is None or not actor.is_active:
        return SheetRecord.objects.none()
    if at is None:
        narrow = compiled.pk_filter(
            "sheets.visible_records", actor, lambda when: _visible_records(actor, when),
            rule=(_visible_records, _shared_rule, policy.visible_persons,
                  policy.active_grants, *CASE_REACH.values()),
            implied={"municipality_id": policy.tenant_id(actor)})
        if narrow is not None:
            return narrow(SheetRecord.objects.all())
    return _visible_records(actor, at)


def _visible_records(actor: Actor, at: dt.datetime | None) -> QuerySet[SheetRecord]:
    """The record rule itself (``visible_records``' docstring), for an active actor."""
    none = SheetRecord.objects.none()
    base = SheetRecord.objects.filter(municipality_id=policy.tenant_id(actor))
    mine = Q(author_id=actor.user_id, organization_id=actor.organization_id)
    if actor.role == Role.LIAISON:
        return base.filter(mine)
    if actor.role not in CASE_ROLES:
        return none
    rule = Q(organization_id=actor.organization_id, status=RecordStatus.SUBMITTED) | (
        mine & Q(status=RecordStatus.DRAFT))
    if actor.role == Role.COORDINATOR:
        person_ok = Q(person_id__isnull=True) | Q(
            person_id__in=policy.visible_persons(actor, at=at).values("pk"))
        rule |= Q(definition__code=LIAISON_CODE, status=RecordStatus.SUBMITTED) & person_ok
    if policy.handles_persons(actor):
        rule |= _shared_rule(actor, at)
    return base.filter(rule)


class RecordBases:
    """The basis each read of a page of records is logged with, in a constant number of
    queries (one for grants, one per case-reach kind): build once per list."""

    def __init__(self, actor: Actor, records: Iterable[SheetRecord]) -> None:
        self.actor = actor
        others = [r for r in records if r.organization_id != actor.organization_id]
        pids = {r.person_id for r in others if r.person_id is not None}
        cids = {r.case_id for r in others if r.case_id is not None}
        self.person = policy.bases_for(actor, pids) if pids else {}
        self.grants: dict[int, list[tuple[str, str]]] = {}
        if pids:
            for pid, basis, scope in policy.active_grants(actor).filter(
                    person_id__in=pids).values_list("person_id", "basis", "scope"):
                self.grants.setdefault(pid, []).append((basis, scope))
        self.cases: dict[int, list[tuple[str, str | None]]] = {}
        if cids:
            for r in case_reach(actor):
                for cid in r.case_ids.filter(pk__in=cids):
                    self.cases.setdefault(cid, []).append((r.basis, r.purpose))

    def _covers(self, pid: int | None, basis: str, purpose: str | None) -> bool:
        return pid is not None and any(
            b == basis and (purpose is None or scope == SCOPE_ALL or purpose in scope.split(","))
            for b, scope in self.grants.get(pid, []))

    def basis(self, record: SheetRecord) -> str:
        if not record.definition.has_personal_data:
            return Basis.NOT_PERSONAL
        if record.organization_id == self.actor.organization_id:
            return Basis.OWN_RECORD
        pid = record.person_id
        if self.actor.role == Role.COORDINATOR and record.definition.code == LIAISON_CODE:
            # routed to the coordinators: unbound, written with the person's agreement; bound,
            # the coordinator's own basis for the person (restriction_named, consent …)
            return Basis.CONSENT if pid is None else self.person.get(pid, Basis.DENIED)
        found: set[str] = set()
        if self._covers(pid, Basis.CONSENT, sheet_purpose(record.definition.code)) \
                and sheet_purpose(record.definition.code) is not None:
            found.add(Basis.CONSENT)
        if self._covers(pid, Basis.EMERGENCY, None):
            found.add(Basis.EMERGENCY)
        for basis, purpose in self.cases.get(record.case_id or 0, []):
            if purpose is None or pid is None or self._covers(pid, Basis.CONSENT, purpose):
                found.add(basis)
        best = next((b for b in policy.BASIS_PREFERENCE if b in found), None)
        return Basis.DENIED if best is None else str(best)


def basis_for(actor: Actor, record: SheetRecord) -> str:
    """The basis a read of ``record`` is logged with (lists: ``RecordBases``)."""
    return RecordBases(actor, [record]).basis(record)


def require_record(*, actor: Actor | None, pk: int, action: str = "sheet_record_view") -> SheetRecord:
    """One visible record, with its read logged; an invisible one is a logged denial + 404."""
    record = (visible_records(actor).select_related("definition", "organization", "author")
              .filter(pk=pk).first())
    user = actor.user if actor is not None else None
    if record is None:
        if actor is not None and SheetRecord.objects.filter(pk=pk).exists():
            access_log(user=user, action=action, basis=Basis.DENIED,
                       organization_id=actor.organization_id, object_type="sheet_record",
                       object_id=pk)
        raise Http404("記録が見つかりません。")
    assert actor is not None
    access_log(user=user, action=action, basis=basis_for(actor, record),
               organization_id=actor.organization_id, object_type="sheet_record",
               object_id=record.pk, person_id=record.person_id)
    return record


def require_attachment(*, actor: Actor | None, pk: int) -> SheetAttachment:
    """An attachment readable with exactly the access decision of its record (the same rule and
    basis as ``record_get``); logged as a read of the attachment, a denial + 404 otherwise.
    An upload no record has claimed yet is not readable (only its id and name are known)."""
    att = SheetAttachment.objects.filter(pk=pk, record__isnull=False).first()
    record = None if att is None or att.record_id is None else (
        visible_records(actor).select_related("definition").filter(pk=att.record_id).first())
    user = actor.user if actor is not None else None
    if att is None or record is None:
        if actor is not None and SheetAttachment.objects.filter(pk=pk).exists():
            access_log(user=user, action="sheet_attachment_view", basis=Basis.DENIED,
                       organization_id=actor.organization_id, object_type="sheet_attachment",
                       object_id=pk)
        raise Http404("添付ファイルが見つかりません。")
    assert actor is not None
    if record.pk in restricted_record_ids(actor, [record]):
        access_log(user=user, action="sheet_attachment_view", basis=Basis.DENIED,
                   organization_id=actor.organization_id, object_type="sheet_attachment",
                   object_id=att.pk, person_id=record.person_id, detail="閲覧制限")
        raise PermissionDenied("閲覧制限のため、この添付ファイルは表示できません。")
    access_log(user=user, action="sheet_attachment_view", basis=basis_for(actor, record),
               organization_id=actor.organization_id, object_type="sheet_attachment",
               object_id=att.pk, person_id=record.person_id, detail=f"記録 {record.pk}")
    att.record = record
    return att


def log_records_listed(*, actor: Actor, records: list[SheetRecord], action: str = "sheet_record_list") -> None:
    """One AccessLog row per listed record with its basis (bulk: ``RecordBases``)."""
    bases = RecordBases(actor, records)
    access_log_many(user=actor.user, action=action, organization_id=actor.organization_id,
                    entries=[("sheet_record", r.pk, r.person_id, bases.basis(r)) for r in records])


def can_edit_definitions(actor: Actor | None) -> bool:
    return actor is not None and actor.is_active and actor.role in DEFINITION_EDITORS


def require_definition_editor(actor: Actor | None) -> Actor:
    if actor is None or not can_edit_definitions(actor):
        raise PermissionDenied("帳票の定義を編集する権限がありません（管理者・事務局のみ）。")
    return actor




def can_use_sheets(actor: Actor | None) -> bool:
    """Case roles and 連絡員 use the sheet screens; other roles never see record content."""
    return actor is not None and actor.is_active and (
        actor.role in CASE_ROLES or actor.role == Role.LIAISON)


def require_sheet_user(actor: Actor | None) -> Actor:
    if actor is None or not can_use_sheets(actor):
        raise PermissionDenied("帳票を利用する権限がありません。")
    return actor


def can_exchange(actor: Actor | None) -> bool:
    """Export and import of records: case roles only."""
    return actor is not None and actor.is_active and actor.role in CASE_ROLES


def require_exchange(actor: Actor | None) -> Actor:
    if actor is None or not can_exchange(actor):
        raise PermissionDenied("出力・取り込みは相談員・推進員だけが行えます。")
    return actor


def require_import_owner(actor: Actor | None, job: SheetImport) -> Actor:
    """Only whoever uploaded a file, in the organization they uploaded it for, maps, checks
    and commits it."""
    if actor is None or job.created_by_id != actor.user_id or job.organization_id != actor.organization_id:
        raise PermissionDenied("この取り込みを操作できるのは取り込んだ本人だけです。")
    return actor


def can_edit_record(actor: Actor, record: SheetRecord) -> bool:
    """A draft: its author; a submitted record: case-role staff of the recording organization."""
    if record.status == RecordStatus.DRAFT:
        return record.author_id == actor.user_id
    return record.organization_id == actor.organization_id and actor.role in CASE_ROLES


def require_edit_record(actor: Actor, record: SheetRecord) -> None:
    if can_edit_record(actor, record):
        return
    if record.status == RecordStatus.DRAFT:
        raise PermissionDenied("下書きは記入者本人だけが編集できます。")
    raise PermissionDenied("提出済みの記録を修正できるのは記録した機関の相談員だけです。")


def can_route(actor: Actor, record: SheetRecord) -> bool:
    """推進員 move a submitted routed sheet (つなぐシート) on."""
    return (actor.role == Role.COORDINATOR and record.definition.is_routed
            and record.status == RecordStatus.SUBMITTED)


def can_bind_person(actor: Actor | None) -> bool:
    """推進員 bind a sheet that names no person yet (a 連絡員's つなぐシート) to a Person."""
    return actor is not None and actor.is_active and actor.role == Role.COORDINATOR


# ---------------------------------------------------------------------------------------------
# Bulk: which of many actors may see ONE record (notify's recipients of a routed sheet).
# The same rule as ``visible_records`` above, applied to the record's own columns in Python
# with the facts it reads (the person's recording organization, 閲覧制限 names and active
# grants, the case reach, the 情報提供先) loaded once for every candidate: a constant number of
# queries instead of one compiled visibility query per candidate. notify/tests/
# test_sheet_audience.py compares it with ``visible_records`` for every membership of the
# demo city and records of every kind; a change to the rule above must be made here too.


@dataclass(frozen=True)
class _GrantFacts:
    municipality_id: int
    organization_id: int | None
    user_id: int | None
    basis: str
    scope: str

    def applies_to(self, actor: Actor) -> bool:
        """``access.policy.active_grants(actor)``'s grantee and tenant test for this grant."""
        if self.municipality_id != policy.tenant_id(actor):
            return False
        if self.organization_id == actor.organization_id:
            return self.user_id is None or self.user_id == actor.user_id
        return self.organization_id is None and self.user_id == actor.user_id

    def covers(self, purpose: str | None) -> bool:
        """``access.policy``'s scope test: "all" or the purpose among the listed ones."""
        return purpose is None or self.scope == SCOPE_ALL or purpose in self.scope.split(",")


class _RecordFacts:
    """What ``visible_records`` reads beyond the record's own columns, for one record and
    every candidate: at most four queries (the person, its 閲覧制限 names and active grants,
    one for the case reach of all candidates, one for the 情報提供先)."""

    def __init__(self, record: SheetRecord, actors: list[Actor]) -> None:
        now = timezone.now()
        self.person: tuple[int, int | None] | None = None
        self.named: set[int] = set()
        self.grants: list[_GrantFacts] = []
        if record.person_id is not None:
            self.person = Person.objects.filter(pk=record.person_id).values_list(
                "municipality_id", "created_by_org_id").first()
            self.named = set(Person.restriction_users.through.objects.filter(
                person_id=record.person_id).values_list("user_id", flat=True))
            self.grants = [_GrantFacts(*row) for row in Grant.objects.filter(
                person_id=record.person_id, ended_at__isnull=True, valid_from__lte=now,
            ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now)).values_list(
                "municipality_id", "organization_id", "user_id", "basis", "scope")]
        self.reach = self._reach(record, actors)
        self.share_orgs: set[int] = set()
        if record.definition.code == AREA_ISSUE_CODE and record.person_id is None:
            self.share_orgs = set(SheetShare.objects.filter(record_id=record.pk)
                                  .values_list("organization_id", flat=True))

    @staticmethod
    def _reach(record: SheetRecord, actors: list[Actor]) -> dict[int, list[str | None]]:
        """Per candidate (its index): the purposes of the case reaches that reach the
        record's case (None: no purpose needed) — one query for all candidates."""
        if record.case_id is None:
            return {}
        kinds: dict[str, tuple[int, str | None]] = {}
        checks = {}
        for i, actor in enumerate(actors):
            if actor is None or not actor.is_active or not policy.handles_persons(actor):
                continue
            for j, r in enumerate(case_reach(actor)):
                name = f"_reach_{i}_{j}"
                kinds[name] = (i, r.purpose)
                checks[name] = Exists(r.case_ids.filter(pk=record.case_id))
        if not checks:
            return {}
        row = SheetRecord.objects.filter(pk=record.pk).annotate(**checks) \
            .values(*checks).first() or {}
        found: dict[int, list[str | None]] = {}
        for name, (i, purpose) in kinds.items():
            if row.get(name):
                found.setdefault(i, []).append(purpose)
        return found

    def granted(self, actor: Actor, basis: str, purpose: str | None) -> bool:
        """An active grant of ``actor`` on the record's person with ``basis`` covering
        ``purpose`` (``_grant_persons``)."""
        return policy.handles_persons(actor) and any(
            g.basis == basis and g.covers(purpose) and g.applies_to(actor) for g in self.grants)

    def person_visible(self, actor: Actor) -> bool:
        """``access.policy.visible_persons(actor)`` contains the record's person."""
        if self.person is None or not policy.handles_persons(actor):
            return False
        municipality_id, created_by_org_id = self.person
        return municipality_id == policy.tenant_id(actor) and (
            created_by_org_id == actor.organization_id or actor.user_id in self.named
            or any(g.applies_to(actor) for g in self.grants))


def _shared_sees(actor: Actor, record: SheetRecord, facts: _RecordFacts, index: int) -> bool:
    """``_shared_rule`` for one submitted record."""
    pid, code = record.person_id, record.definition.code
    by_case = any(purpose is None or pid is None or facts.granted(actor, Basis.CONSENT, purpose)
                  for purpose in facts.reach.get(index, []))
    if pid is not None and facts.person_visible(actor):
        by_person = facts.granted(actor, Basis.EMERGENCY, None) or any(
            code in codes and facts.granted(actor, Basis.CONSENT, purpose)
            for purpose, codes in PURPOSE_SHEETS.items())
        if by_person or by_case:
            return True
    if pid is None and by_case:
        return True
    return code == AREA_ISSUE_CODE and pid is None and (
        actor.role == Role.COORDINATOR or actor.organization_id in facts.share_orgs)


def _sees(actor: Actor | None, record: SheetRecord, facts: _RecordFacts, index: int) -> bool:
    """``visible_records(actor)`` contains ``record`` (read from ``facts``, no query)."""
    if actor is None or not actor.is_active or record.municipality_id != policy.tenant_id(actor):
        return False
    mine = record.author_id == actor.user_id and record.organization_id == actor.organization_id
    if actor.role == Role.LIAISON:
        return mine
    if actor.role not in CASE_ROLES:
        return False
    submitted = record.status == RecordStatus.SUBMITTED
    if (record.organization_id == actor.organization_id and submitted) or (
            mine and record.status == RecordStatus.DRAFT):
        return True
    if actor.role == Role.COORDINATOR and submitted and record.definition.code == LIAISON_CODE \
            and (record.person_id is None or facts.person_visible(actor)):
        return True
    return submitted and policy.handles_persons(actor) and _shared_sees(actor, record, facts,
                                                                         index)


def actors_who_may_see(record: SheetRecord, candidates: Iterable[Actor]) -> list[Actor]:
    """The candidates (in order) for whom ``visible_records(actor)`` contains ``record`` now —
    the same answer as asking each, in at most four queries whatever their number. Logs
    nothing (deciding who is notified is not a read of the record)."""
    actors = list(candidates)
    facts = _RecordFacts(record, actors)
    return [a for i, a in enumerate(actors) if _sees(a, record, facts, i)]
