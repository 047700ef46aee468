"""The shared city generator: a municipality with years of records of every kind landed so
far — organizations, coordinators (with membership history), persons in households, cases
with their subjects, involvements, contacts (incl. failed attempts and relationship stages),
referrals, support plans (versions), closures (incl. 見守り継続), 支援会議 / 重層的支援会議
with agendas. Same scale and seed → same data.

Scales (``SCALES``): ``small`` (tests), ``city80k``, ``city400k`` (~200k cases, ~2M contacts
over 10 年度). The last generated 年度 is the one before the current one (a full year).

Use: ``load(scale, seed)`` fills the current Django database (COPY on PostgreSQL, indexes
rebuilt after); ``ensure_database(scale)`` gives the URL of a cached PostgreSQL database
``kasane_bench_city_<scale>_<version>`` — version = a hash of this file and the migration
names, so a changed generator or schema builds a new one and older versions are dropped.
Importable by other benchmarks (e.g. the web benchmark, issue 21).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
MUNI_CODE = "139995"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/"


@dataclass(frozen=True)
class Scale:
    population: int
    years: int
    cases_per_year: int
    contacts_per_case: float


SCALES = {
    "small": Scale(4_000, 3, 60, 8),
    "city80k": Scale(80_000, 10, 4_000, 10),
    "city400k": Scale(400_000, 10, 20_000, 10),
}

FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
          "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "清水", "山崎")
FAMILY_KANA = ("サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ", "ヤマモト", "ナカムラ",
               "コバヤシ", "カトウ", "ヨシダ", "ヤマダ", "ササキ", "ヤマグチ", "マツモト", "イノウエ",
               "キムラ", "ハヤシ", "シミズ", "ヤマザキ")
GIVEN = (("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("恵子", "ケイコ"),
         ("健", "ケン"), ("陽子", "ヨウコ"), ("翔", "ショウ"), ("美咲", "ミサキ"))
ORGS = (("福祉相談課", "department"), ("社会福祉協議会", "shakyo"),
        ("地域包括支援センター北部", "contractor"), ("地域包括支援センター南部", "contractor"),
        ("障害者相談支援事業所", "contractor"), ("生活困窮者自立相談支援機関", "contractor"),
        ("子ども家庭支援センター", "department"), ("保健センター", "department"),
        ("ハローワーク", "agency"), ("NPO法人 つなぐ", "private"))
REASONS = ("goal_met", "roles_agreed", "connected", "self_request", "other_system", "moved",
           "death", "unreachable", "other")
STAGES = ("", "not_met", "contacted", "dialogue", "trust", "agreed")


def version() -> str:
    """Hash of this generator and the migration files (the cache key with the scale)."""
    h = hashlib.sha1(Path(__file__).read_bytes())
    for path in sorted((ROOT / "src" / "kasane").glob("*/migrations/0*.py")):
        h.update(path.name.encode())
    return h.hexdigest()[:8]


def last_fiscal_year() -> int:
    from django.utils import timezone

    from kasane.core.wareki import fiscal_year

    return fiscal_year(timezone.localdate()) - 1


# --- the cached database ----------------------------------------------------------------------

def ensure_database(scale: str, *, seed: int = 1, server: str = DEFAULT_SERVER,
                    reload: bool = False) -> tuple[str, bool]:
    """(URL, built) of the cached PostgreSQL database for ``scale``: reused when it exists
    (and holds the city), else created, migrated and loaded — by the caller, who must set
    ``KASANE_DATABASE_URL`` to the URL and call :func:`load` when ``built`` is True."""
    import psycopg

    name = f"kasane_bench_city_{scale}_{version()}"
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    admin = urlunsplit(urlsplit(server)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [f"kasane_bench_city_{scale}_%"]).fetchall()]
        for old in names:
            if old != name or reload:
                print(f"古い生成データ {old} を削除します", file=sys.stderr)
                conn.execute(f'DROP DATABASE "{old}" WITH (FORCE)')
        if name in names and not reload and _ready(url):
            return url, False
        if name not in names or reload:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url, True


def _ready(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM accounts_municipality WHERE code = %s "
                               "AND name LIKE %s", [MUNI_CODE, "%（生成済み）"]).fetchone()
    except psycopg.Error:
        return False
    return bool(row and row[0])


# --- generation ----------------------------------------------------------------------------------

def load(scale: str, *, seed: int = 1, copy: bool = True) -> Any:
    """Generate the city into the current database; returns the Municipality."""
    from django.db import connection

    spec = SCALES[scale]
    gen = _Gen(spec, seed, last_fiscal_year())
    gen.base()
    gen.cases()
    gen.meetings()
    use_copy = copy and connection.vendor == "postgresql"
    for model, rows in gen.tables():
        _insert(model, rows, use_copy)
    gen.link_rows()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    gen.muni.name = f"{gen.muni.name}（生成済み）"
    gen.muni.save(update_fields=["name"])
    return gen.muni


def _insert(model: Any, rows: list[Any], use_copy: bool) -> None:
    from django.db import connection, transaction

    if not rows:
        return
    if use_copy:
        from bench.search import _bulk_insert

        _bulk_insert(model, rows, connection)
        return
    with transaction.atomic():
        model.objects.bulk_create(rows, batch_size=2000)


class _Gen:
    """Builds model instances with explicit ids (so rows can point at each other before any
    insert) for ``years`` 年度 ending with ``last_fy``."""

    def __init__(self, spec: Scale, seed: int, last_fy: int) -> None:
        from django.utils import timezone

        self.spec, self.r, self.last_fy = spec, random.Random(seed), last_fy
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

    def base(self) -> None:
        from kasane.accounts.models import (
            Membership,
            MembershipPeriod,
            Municipality,
            Organization,
            Role,
            User,
        )

        self.muni = Municipality.objects.create(code=MUNI_CODE, name="重ね市", prefecture="東京都")
        self.orgs = [Organization.objects.create(municipality=self.muni, name=n, kind=k)
                     for n, k in ORGS]
        self.user = User.objects.create(username="bench-city-coordinator", municipality=self.muni)
        first = dt.date(self.last_fy - self.spec.years + 1, 4, 1)
        for i in range(6):  # coordinators: some leave, some join (history for P0-1)
            user = self.user if i == 0 else User.objects.create(
                username=f"bench-city-coord{i}", municipality=self.muni)
            m = Membership.objects.create(user=user, organization=self.orgs[i % 3],
                                          role=Role.COORDINATOR, is_active=i != 5)
            start = first + dt.timedelta(days=200 * i)
            MembershipPeriod.objects.create(membership=m, started_on=start,
                                            ended_on=start + dt.timedelta(days=700) if i == 5 else None)
        self.first = first

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
        lead = self.orgs[r.randrange(6)]
        cid = self._id("case")
        closed = opened + dt.timedelta(days=r.randint(20, 500)) if r.random() < 0.65 else None
        if closed and closed > self.end:
            closed = None
        watch = bool(closed) and r.random() < 0.12
        status = ("watching" if watch else "closed") if closed else \
            r.choice(("intake", "assessment", "planning", "supporting", "supporting"))
        case = self._add("case", Case(
            id=cid, municipality_id=self.muni.pk, tags=tags, summary="相談", lead_org_id=lead.pk,
            opened_by_id=self.user.pk, opened_org_id=lead.pk, opened_at=self._at(opened),
            status=status, updated_at=self.now, lock_version=1, triage=""))
        for k in range(r.choices((1, 2, 3), (70, 20, 10))[0]):
            pid = self._person(opened)
            self._add("subject", CaseSubject(id=self._id("subject"), case_id=cid, person_id=pid,
                                             is_primary=k == 0))
        until = closed or min(self.end, opened + dt.timedelta(days=600))
        self._add("involvement", Involvement(
            id=self._id("involvement"), case_id=cid, organization_id=lead.pk, role="lead",
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
        span = max((until - opened).days, 1)
        for _ in range(max(1, int(r.expovariate(1 / self.spec.contacts_per_case)))):
            day = opened + dt.timedelta(days=r.randrange(span))
            reached = r.random() < 0.8
            tags = [t for t in case.tags if r.random() < 0.9] or case.tags[:1]
            self._add("contact", Contact(
                id=self._id("contact"), case_id=case.id, at=self._at(day),
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
            id=self._id("referral"), case_id=case.id, from_org_id=case.lead_org_id,
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

    def meetings(self) -> None:
        from kasane.meetings.models import MeetingBody

        self.bodies = [MeetingBody.objects.create(
            municipality=self.muni, name=n, type=t, organizer=self.orgs[0], review_days=30)
            for n, t in (("支援会議", "support_meeting"), ("重層的支援会議", "multilayer_meeting"))]
        ma = [c for c in self.rows.get("case", []) if "multi_agency" in c.tags]
        for fy in range(self.last_fy - self.spec.years + 1, self.last_fy + 1):
            for month in range(12):
                day = dt.date(fy + (month >= 9), (month + 3) % 12 + 1, 10)
                for body, n in ((self.bodies[0], 2), (self.bodies[1], 1)):
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

    def link_rows(self) -> None:
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
    from kasane.meetings.models import AgendaItem, Meeting
    from kasane.people.models import Person

    return [("person", Person), ("case", Case), ("subject", CaseSubject),
            ("involvement", Involvement), ("contact", Contact), ("referral", Referral),
            ("plan", SupportPlan), ("closure", Closure), ("meeting", Meeting),
            ("agenda", AgendaItem)]
