"""Generated records for statistics: cases with subjects, involvements, contacts (incl.
failed attempts and relationship stages), referrals, plan versions, closures (incl. 見守り継続)
and 支援会議 / 重層的支援会議 with agendas, for given 年度 of an existing municipality; with
``community=True`` also 参加支援 and 地域づくり records (``citygen_community``).

Used by the shared city generator (bench/city.py: scales small / city80k / city400k, and
pref50 = this generator run once per municipality, 50 tenants in one database) and by
the demo (``stats/demo.py``: a full 令和7年度 for the dashboards). Rows are built with explicit
ids and inserted in bulk (COPY on PostgreSQL when asked) — no services, no audit rows: this is
made-up volume, never real work. Same arguments and seed → same rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
          "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "清水", "山崎")
FAMILY_KANA = ("サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ", "ヤマモト", "ナカムラ",
               "コバヤシ", "カトウ", "ヨシダ", "ヤマダ", "ササキ", "ヤマグチ", "マツモト", "イノウエ",
               "キムラ", "ハヤシ", "シミズ", "ヤマザキ")
GIVEN = (("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("恵子", "ケイコ"),
         ("健", "ケン"), ("陽子", "ヨウコ"), ("翔", "ショウ"), ("美咲", "ミサキ"))
REASONS = ("goal_met", "roles_agreed", "connected", "self_request", "other_system", "moved",
           "death", "unreachable", "other")
STAGES = ("", "not_met", "contacted", "dialogue", "trust", "agreed")


KEEP_DATES = {"community.AreaIssue": ("created_at",)}
"""auto_now_add fields whose generated value is an event date (地域課題 受付 = created_at)."""


@dataclass(frozen=True)
class Volume:
    years: int
    cases_per_year: int
    contacts_per_case: float
    meetings_per_month: tuple[int, int] = (2, 1)  # 支援会議, 重層的支援会議


def generate(*, muni: Any, orgs: list[Any], user: Any, bodies: list[Any], volume: Volume,
             last_fy: int, seed: int = 1, copy: bool = False, summary: str = "相談",
             community: bool = False) -> int:
    """Insert ``volume`` for the 年度 ending with ``last_fy``; returns the number of cases.
    ``bodies`` = (支援会議, 重層的支援会議) meeting bodies of ``muni``. ``community`` adds
    参加支援 and 地域づくり records (``citygen_community``: places, matches, follow-ups,
    consents, 地域課題 with committee meetings, activities, 拠点 logs)."""
    gen = Gen(muni, orgs, user, volume, seed, last_fy, summary)
    gen.cases()
    gen.meetings(bodies)
    if community:
        from .citygen_community import generate as generate_community

        generate_community(gen, seed)
    for model, rows in gen.tables():
        insert(model, rows, copy)
    gen.reset_sequences()
    return len(gen.rows.get("case", []))


def insert(model: Any, rows: list[Any], copy: bool) -> None:
    """COPY (PostgreSQL, secondary indexes dropped and rebuilt) or bulk_create."""
    from django.db import connection, transaction

    if not rows:
        return
    if not copy or connection.vendor != "postgresql":
        dated = KEEP_DATES.get(model._meta.label, ())
        kept = [[getattr(obj, name) for name in dated] for obj in rows]
        with transaction.atomic():
            model.objects.bulk_create(rows, batch_size=2000)
            if dated:  # bulk_create stamps auto_now_add fields with now: put the made-up dates back
                for obj, values in zip(rows, kept, strict=True):
                    for name, value in zip(dated, values, strict=True):
                        setattr(obj, name, value)
                model.objects.bulk_update(rows, dated, batch_size=2000)
        return
    table = model._meta.db_table
    fields = [f for f in model._meta.concrete_fields if not f.primary_key] + \
        [model._meta.pk]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND "
                    "indexname NOT IN (SELECT conname FROM pg_constraint)", [table])
        indexes = cur.fetchall()
        for name, _def in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        columns = ", ".join(f'"{f.column}"' for f in fields)
        with cur.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as out:
            for obj in rows:
                out.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection)
                               for f in fields])
    with connection.cursor() as cur:
        for _name, definition in indexes:
            cur.execute(definition)


@contextlib.contextmanager
def indexes_dropped(copy: bool) -> Iterator[None]:
    """Drop the generated tables' secondary indexes once, rebuild them at the end (PostgreSQL
    with ``copy``): for several :func:`generate` calls in a row (one per municipality), so
    each COPY finds no index to drop and the indexes are built once, not once per city."""
    from django.db import connection

    if not copy or connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for _, model in _models()]
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND "
                    "indexname NOT IN (SELECT conname FROM pg_constraint)", [tables])
        indexes = cur.fetchall()
        for name, _def in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cur:
            for _name, definition in indexes:
                cur.execute(definition)


class Gen:
    """Builds model instances with explicit ids (so rows can point at each other before any
    insert) for ``years`` 年度 ending with ``last_fy``."""

    def __init__(self, muni: Any, orgs: list[Any], user: Any, spec: Volume, seed: int,
                 last_fy: int, summary: str = "相談") -> None:
        from django.utils import timezone

        self.muni, self.orgs, self.user, self.summary = muni, orgs, user, summary
        self.spec, self.last_fy = spec, last_fy
        self.r = random.Random(seed)  # noqa: S311 - made-up data, not secrets
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.end = dt.date(last_fy + 1, 3, 31)
        self.rows: dict[str, list[Any]] = {}
        self.ids: dict[str, int] = {key: model.objects.order_by("-pk").values_list(
            "pk", flat=True).first() or 0 for key, model in _models()}

    def _id(self, table: str) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]

    def _add(self, table: str, obj: Any) -> Any:
        self.rows.setdefault(table, []).append(obj)
        return obj

    def _at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour if hour is not None else self.r.randint(8, 18),
                                                self.r.randint(0, 59)), self.tz)

    def cases(self) -> None:
        for fy in range(self.last_fy - self.spec.years + 1, self.last_fy + 1):
            start = dt.date(fy, 4, 1)
            for _ in range(self.spec.cases_per_year):
                self._case(start + dt.timedelta(days=self.r.randrange(365)))

    def _case(self, opened: dt.date) -> None:
        from kasane.cases.models import Case, CaseSubject, Involvement

        r = self.r
        tags = [t for t, p in (("comprehensive", 0.75), ("multi_agency", 0.3),
                               ("outreach", 0.2)) if r.random() < p] or ["comprehensive"]
        lead = self.orgs[r.randrange(min(6, len(self.orgs)))]
        cid = self._id("case")
        closed = opened + dt.timedelta(days=r.randint(20, 500)) if r.random() < 0.65 else None
        if closed and closed > self.end:
            closed = None
        watch = bool(closed) and r.random() < 0.12
        status = ("watching" if watch else "closed") if closed else \
            r.choice(("intake", "assessment", "planning", "supporting", "supporting"))
        case = self._add("case", Case(
            id=cid, municipality_id=self.muni.pk, tags=tags, summary=self.summary, lead_org_id=lead.pk,
            opened_by_id=self.user.pk, opened_org_id=lead.pk, opened_at=self._at(opened),
            status=status, updated_at=self.now, lock_version=1, triage=""))
        for k in range(r.choices((1, 2, 3), (70, 20, 10))[0]):
            pid = self._person(opened)
            self._add("subject", CaseSubject(id=self._id("subject"), case_id=cid, person_id=pid,
                                             is_primary=k == 0))
        until = closed or min(self.end, opened + dt.timedelta(days=600))
        self._add("involvement", Involvement(
            id=self._id("involvement"), case_id=cid, municipality_id=self.muni.pk,
            organization_id=lead.pk, role="lead",
            basis="own_record", started_on=opened, ended_on=closed, end_reason=""))
        self._contacts(case, opened, until)
        self._referrals(case, opened, until)
        if "multi_agency" in tags:
            self._plans(case, opened, until)
        if closed:
            self._closure(case, closed, watch)

    def _person(self, opened: dt.date) -> int:
        from kasane.people.models import Person

        r = self.r
        i = r.randrange(len(FAMILY))
        given, given_kana = r.choice(GIVEN)
        pid = self._id("person")
        birth = None if r.random() < 0.05 else opened - dt.timedelta(days=r.randint(365 * 8, 365 * 92))
        self._add("person", Person(
            id=pid, municipality_id=self.muni.pk, family_name=FAMILY[i], given_name=given,
            family_name_kana=FAMILY_KANA[i], given_name_kana=given_kana, birth_date=birth,
            sex=r.choice(("male", "female")), address="重ね市", created_by_org_id=self.orgs[0].pk,
            created_at=self.now, updated_at=self.now))
        return pid

    def _contacts(self, case: Any, opened: dt.date, until: dt.date) -> None:
        from kasane.cases.models import Contact

        r = self.r
        for n in range(max(1, int(r.expovariate(1 / self.spec.contacts_per_case)))):
            # most contacts in the first months, fewer later; none after the case ends
            day = opened + dt.timedelta(days=0 if n == 0 else int(r.expovariate(1 / 75)))
            if day > until:
                continue
            reached = r.random() < 0.8
            tags = [t for t in case.tags if r.random() < 0.9] or case.tags[:1]
            self._add("contact", Contact(
                id=self._id("contact"), case_id=case.id, municipality_id=case.municipality_id,
                at=self._at(day),
                method=r.choice(("visit", "phone", "office", "accompany")), reached=reached,
                not_reached_reason="" if reached else "不在", stage=r.choice(STAGES),
                summary="記録", tags=tags, author_id=self.user.pk,
                organization_id=case.lead_org_id, created_at=self.now, updated_at=self.now,
                lock_version=1, next_action="", next_done=False))

    def _referrals(self, case: Any, opened: dt.date, until: dt.date) -> None:
        from kasane.cases.models import Referral

        r = self.r
        if r.random() >= 0.4:
            return
        created = opened + dt.timedelta(days=r.randint(3, 60))
        if created > until:
            return
        status = r.choices(("accepted", "declined", "requested"), (70, 15, 15))[0]
        responded = self._at(created + dt.timedelta(days=r.randint(1, 20))) \
            if status != "requested" else None
        to = self.orgs[r.randrange(len(self.orgs))]
        self._add("referral", Referral(
            id=self._id("referral"), case_id=case.id, municipality_id=case.municipality_id,
            from_org_id=case.lead_org_id,
            to_org_id=to.pk, reason="依頼", status=status, due_on=created + dt.timedelta(days=14),
            response_text="", responded_at=responded, created_by_id=self.user.pk,
            created_at=self._at(created)))

    def _plans(self, case: Any, opened: dt.date, until: dt.date) -> None:
        from kasane.cases.models import SupportPlan

        r = self.r
        day = opened + dt.timedelta(days=r.randint(15, 120))
        for version in (1, 2):
            if day > until or (version == 2 and r.random() < 0.7):
                return
            self._add("plan", SupportPlan(
                id=self._id("plan"), case_id=case.id, version=version, goals=[{"text": "目標"}],
                tasks=[], lead_org_id=case.lead_org_id, lead_user_id=self.user.pk,
                review_on=day + dt.timedelta(days=90), status="approved", approved_on=day,
                approved_by_id=self.user.pk, created_by_id=self.user.pk, created_at=self.now,
                updated_at=self.now, lock_version=1))
            day += dt.timedelta(days=r.randint(90, 240))

    def _closure(self, case: Any, closed: dt.date, watch: bool) -> None:
        from kasane.cases.models import Closure

        self._add("closure", Closure(
            id=self._id("closure"), case_id=case.id, closed_on=closed,
            reason=self.r.choice(REASONS), evaluation="評価", watch=watch,
            watch_org_id=case.lead_org_id if watch else None, watch_method="",
            created_by_id=self.user.pk, created_at=self.now))

    def meetings(self, bodies: list[Any]) -> None:
        ma = [c for c in self.rows.get("case", []) if "multi_agency" in c.tags]
        for fy in range(self.last_fy - self.spec.years + 1, self.last_fy + 1):
            for month in range(12):
                day = dt.date(fy + (month >= 9), (month + 3) % 12 + 1, 10)
                for body, n in zip(bodies, self.spec.meetings_per_month, strict=True):
                    for k in range(n):
                        self._meeting(body, day + dt.timedelta(days=k * 14), ma)

    def _meeting(self, body: Any, day: dt.date, ma: list[Any]) -> None:
        from kasane.meetings.models import AgendaItem, Meeting

        mid = self._id("meeting")
        starts = self._at(day, 14)
        self._add("meeting", Meeting(
            id=mid, municipality_id=self.muni.pk, body_id=body.pk, starts_at=starts,
            place="市役所", online=False, window_ends_at=starts + dt.timedelta(days=30),
            created_by_id=self.user.pk, created_at=self.now))
        open_cases = [c for c in self.r.sample(ma, min(len(ma), 40))
                      if c.opened_at.date() <= day][:3]
        for k, c in enumerate(open_cases):
            self._add("agenda", AgendaItem(
                id=self._id("agenda"), meeting_id=mid, case_id=c.id, order=k + 1, title="議題",
                presenting_org_id=c.lead_org_id, question="検討", minutes="",
                added_by_id=self.user.pk, added_at=self.now))

    def tables(self) -> list[tuple[Any, list[Any]]]:
        return [(model, self.rows.get(key, [])) for key, model in _models()]

    def reset_sequences(self) -> None:
        """Move the id sequences past the explicit ids (PostgreSQL)."""
        from django.core.management.color import no_style
        from django.db import connection

        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [m for _, m in _models()]):
                cur.execute(sql)


def _models() -> list[tuple[str, Any]]:
    """Generated tables in insert order (a row's targets first)."""
    from kasane.cases.models import (
        Case,
        CaseSubject,
        Closure,
        Contact,
        Involvement,
        Referral,
        SupportPlan,
    )
    from kasane.community.models import Activity, AreaIssue, HubLog, IssueAction
    from kasane.meetings.models import AgendaItem, Meeting
    from kasane.participation.models import FollowUp, Match
    from kasane.people.models import Consent, Person
    from kasane.resources.models import Place, Provider

    return [("person", Person), ("case", Case), ("subject", CaseSubject),
            ("involvement", Involvement), ("contact", Contact), ("referral", Referral),
            ("plan", SupportPlan), ("closure", Closure), ("meeting", Meeting),
            ("agenda", AgendaItem), ("consent", Consent), ("provider", Provider),
            ("place", Place), ("match", Match), ("followup", FollowUp), ("issue", AreaIssue),
            ("action", IssueAction), ("activity", Activity), ("hublog", HubLog)]
