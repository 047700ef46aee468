"""``./kasane bench audit --rows N [--json] [--queries Q] [--months M] [--db URL] [--reload]``

The access log at scale: N AccessLog rows (default 10,000,000) spread over M months (default
24, one partition each) in a dedicated PostgreSQL database ``kasane_bench_audit_<N>``
(``KASANE_BENCH_DATABASE_URL`` or ``--db`` overrides; reused while it holds exactly N bench
rows, ``--reload`` rebuilds it), generated with COPY in chunks of vectorised random data.
Every row is about one of N/100 persons (so a report shows ~100 rows), read by one of 60
staff in four organizations; before loading, the free disk of the PostgreSQL data directory
must hold twice the estimated size (≈ 330 bytes a row with its indexes) — 100,000,000 rows
(≈ 33 GB) is opt-in and refused on a disk that cannot take it.

Measured: one person's disclosure report (``people.disclosures.disclosure_report`` for the
city's auditor: policy, the audit row of the read itself, up to 5,000 rows with their user and
organization) against the hand-written SQL reading the same rows (baseline).
JSON lines (DESIGN.md §9): ``disclosure_p95_ms`` and ``disclosure_p50_ms`` (value = service,
baseline = SQL), ``auditor_search_p95_ms`` (the auditor's search: one day of the city, first
page of 50), ``rows`` and ``load_seconds``. Goal: disclosure p95 ≤ 50 ms at 10M rows,
≤ 200 ms at 100M.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench._common import emit, parse_args, percentile, print_table

BENCH = "audit"
MUNI_CODE = "139995"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/"
BYTES_PER_ROW = 330  # heap + the six indexes, measured at 1M rows
ROWS_PER_PERSON = 100
STAFF = 60
CHUNK = 200_000
ACTIONS = ("person.view", "person.search", "case.view", "contact.add", "person.edit",
           "sheet.view", "meeting.view", "person.disclosure.view")
BASES = ("own_record", "consent", "case_involvement", "support_meeting", "emergency", "denied")
BASIS_WEIGHTS = (0.55, 0.2, 0.15, 0.06, 0.01, 0.03)


def main(argv: list[str]) -> int:
    args = parse_args(argv, {"scale": 1},
                      extra=[("--rows", int, 10_000_000), ("--queries", int, 200),
                             ("--months", int, 24), ("--db", str, "")],
                      flags=["--reload"],
                      description="監査ログ（アクセスログ）の規模と開示記録の速度")
    if args.rows < 1 or args.months < 1:
        print("--rows と --months は 1 以上を指定してください。", file=sys.stderr)
        return 2
    url = args.db or os.environ.get("KASANE_BENCH_DATABASE_URL") or \
        f"{DEFAULT_SERVER}kasane_bench_audit_{args.rows}"
    tmp = tempfile.mkdtemp(prefix="kasane-bench-audit-")
    os.environ["KASANE_VAR_DIR"] = tmp
    os.environ.pop("KASANE_ENV", None)
    try:
        try:
            fresh = _prepare_database(url, args.rows, args.reload)
        except Exception as exc:  # psycopg.OperationalError and friends: no server here
            print(f"PostgreSQL に接続できません（{exc}）。", file=sys.stderr)
            return 2
        os.environ["KASANE_DATABASE_URL"] = url
        return _run(args, fresh)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --- database -------------------------------------------------------------------------------

def disk_check(rows: int, free_bytes: int) -> str | None:
    """A Japanese refusal when ``free_bytes`` cannot take twice the estimate, else None."""
    need = 2 * rows * BYTES_PER_ROW
    if free_bytes < need:
        return (f"空きディスクが足りません: {rows:,} 行には約 {need / 1e9:.1f} GB 必要です"
                f"（空き {free_bytes / 1e9:.1f} GB）。")
    return None


def _free_bytes(conn: Any) -> int:
    try:
        row = conn.execute("SHOW data_directory").fetchone()
        return shutil.disk_usage(row[0]).free
    except Exception:  # not a superuser: the data directory is hidden; measure the root
        return shutil.disk_usage("/").free


def _prepare_database(url: str, rows: int, reload: bool) -> bool:
    """Create the database (True) unless it holds exactly ``rows`` bench rows (False)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not reload and _bench_rows(url) == rows:
            return False
        refusal = disk_check(rows, _free_bytes(conn))
        if refusal:
            raise SystemExit(refusal)
        if exists:
            print(f"データベース {name} を作り直します", file=sys.stderr)
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def _bench_rows(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM audit_accesslog WHERE municipality_id = "
                "(SELECT id FROM accounts_municipality WHERE code = %s) AND detail = 'bench'",
                [MUNI_CODE]).fetchone()
    except psycopg.Error:
        return -1
    return int(row[0]) if row else -1


def _run(args: Any, fresh: bool) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    load_seconds = None
    if fresh:
        t0 = time.perf_counter()
        load(args.rows, args.months, args.seed)
        load_seconds = round(time.perf_counter() - t0, 1)
        print(f"{args.rows:,} 行を {load_seconds} 秒で投入しました", file=sys.stderr)
    figures = measure(args.queries, args.seed)
    _report(args, figures, load_seconds)
    return 0


def _setup(persons: int) -> tuple[Any, list[int], list[tuple[int, int, str]]]:
    """The bench city, its auditor, four organizations, STAFF users, up to 200 real persons
    (ids spread over 1..persons). Returns (muni, person ids, (user id, org id, name))."""
    from django.db import transaction
    from django.utils import timezone

    from kasane.accounts.models import Membership, Municipality, Organization, Role, User
    from kasane.people.models import Person

    with transaction.atomic():
        muni = Municipality.objects.create(code=MUNI_CODE, name="重ね市（監査ベンチ）",
                                           prefecture="東京都")
        orgs = [Organization.objects.create(municipality=muni, name=name, kind=kind)
                for name, kind in (("福祉相談課", "department"), ("地域包括支援センター", "contractor"),
                                   ("社会福祉協議会", "shakyo"), ("障害者相談支援事業所", "agency"))]
        auditor = User.objects.create(username="bench-audit-auditor", municipality=muni)
        Membership.objects.create(user=auditor, organization=orgs[0], role=Role.AUDITOR)
        staff = []
        for n in range(STAFF):
            user = User.objects.create(username=f"bench-staff-{n:02d}", municipality=muni)
            staff.append((user.pk, orgs[n % 4].pk, user.username))
        step = max(1, persons // 200)
        ids = list(range(1, persons + 1, step))[:200]
        now = timezone.now()
        Person.objects.bulk_create([
            Person(pk=pid, municipality=muni, family_name="監査", given_name=f"{pid}",
                   family_name_kana="カンサ", created_by_org=orgs[0], created_at=now,
                   updated_at=now) for pid in ids])
    return muni, ids, staff


def load(rows: int, months: int, seed: int) -> None:
    """Generate and COPY ``rows`` access-log rows (module docstring)."""
    import datetime as dt
    import random

    from django.db import connection
    from django.utils import timezone

    from kasane.audit import partitions

    persons = max(10, rows // ROWS_PER_PERSON)
    muni, _ids, staff = _setup(persons)
    end = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    first = partitions.month_start(end)
    for _ in range(months - 1):
        first = partitions.month_start(first - dt.timedelta(days=1))
    for month in _months(first, months + 3):
        partitions.create_partition(month)
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    span = int((end - start).total_seconds())
    rng = random.Random(seed)
    columns = ("at, username, action, object_type, object_id, person_id, basis, detail, "
               "request_id, ip, municipality_id, organization_id, user_id")
    t0 = int(start.timestamp())
    done = 0
    with connection.cursor() as cur:
        for offset in range(0, rows, CHUNK):
            count = min(CHUNK, rows - offset)
            lo = t0 + span * offset // rows
            hi = t0 + span * (offset + count) // rows
            text = _chunk(rng, count, lo, hi, persons, staff, muni.pk, offset)
            with cur.cursor.copy(f"COPY audit_accesslog ({columns}) FROM STDIN") as copy:
                copy.write(text)
            done += count
            if done % 2_000_000 < CHUNK:
                print(f"  {done:,} 行", file=sys.stderr)
        cur.execute("ANALYZE audit_accesslog")


def _months(first: Any, count: int) -> list[Any]:
    from kasane.audit.partitions import next_month

    out = [first]
    while len(out) < count:
        out.append(next_month(out[-1]))
    return out


_CLOCK = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)]


def _chunk(rng: Any, count: int, lo: int, hi: int, persons: int,
           staff: list[tuple[int, int, str]], muni_id: int, offset: int) -> str:
    """One COPY text block: times sorted within [lo, hi), persons and staff uniform. Random
    numbers come in whole lists (``choices``) and timestamps from per-day/per-second tables,
    so a row costs one f-string."""
    import datetime as dt

    seconds = sorted(rng.choices(range(lo, max(lo + 1, hi)), k=count))
    days: dict[int, str] = {}
    person = rng.choices(range(1, persons + 1), k=count)
    who = rng.choices(staff, k=count)
    action = rng.choices(ACTIONS, k=count)
    basis = rng.choices(BASES, weights=BASIS_WEIGHTS, k=count)
    lines = []
    for i in range(count):
        sec = seconds[i]
        day = days.get(sec // 86_400)
        if day is None:
            day = days[sec // 86_400] = dt.datetime.fromtimestamp(sec, dt.UTC).date().isoformat()
        user_id, org_id, username = who[i]
        pid = person[i]
        lines.append(f"{day} {_CLOCK[sec % 86_400]}+00\t{username}\t{action[i]}\tpeople.Person\t"
                     f"{pid}\t{pid}\t{basis[i]}\tbench\t{(offset + i) // 3:x}\t\\N\t{muni_id}\t"
                     f"{org_id}\t{user_id}")
    return "\n".join(lines) + "\n"


# --- measurement ------------------------------------------------------------------------------

DISCLOSURE_SQL = (
    "SELECT l.id, l.at, l.username, l.action, l.basis, o.name, u.username "
    "FROM audit_accesslog l LEFT JOIN accounts_organization o ON o.id = l.organization_id "
    "LEFT JOIN accounts_user u ON u.id = l.user_id "
    "WHERE l.municipality_id = %s AND l.person_id = %s ORDER BY l.at DESC, l.id DESC LIMIT 5000")


def measure(queries: int, seed: int) -> dict[str, Any]:
    """Milliseconds of the disclosure report (service vs SQL) and of the auditor's search."""
    import datetime as dt
    import random

    from django.db import connection
    from django.utils import timezone

    from kasane.accounts.models import Membership
    from kasane.audit.selectors import access_logs_search
    from kasane.people.disclosures import disclosure_report
    from kasane.people.models import Person

    actor = Membership.objects.select_related("organization", "user").get(
        user__username="bench-audit-auditor")
    muni_id = actor.organization.municipality_id
    ids = list(Person.objects.filter(municipality_id=muni_id).values_list("pk", flat=True))
    rnd = random.Random(seed)
    sample = [rnd.choice(ids) for _ in range(queries)]
    out: dict[str, Any] = {"service": [], "sql": [], "search": [], "shown": []}
    today = timezone.localdate()
    for timed in (False, True):
        for n, pid in enumerate(sample):
            t0 = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute(DISCLOSURE_SQL, [muni_id, pid])
                cur.fetchall()
            t1 = time.perf_counter()
            report = disclosure_report(actor, pid)
            t2 = time.perf_counter()
            day = today - dt.timedelta(days=n % 300)
            page = list(access_logs_search(membership=actor, filters={
                "date_from": day, "date_to": day})[:50])
            t3 = time.perf_counter()
            if timed:
                out["sql"].append((t1 - t0) * 1000)
                out["service"].append((t2 - t1) * 1000)
                out["search"].append((t3 - t2) * 1000)
                out["shown"].append(len(report.rows))
            del page
    return out


def _report(args: Any, f: dict[str, Any], load_seconds: float | None) -> None:
    load = round(os.getloadavg()[0], 1)  # other processes on the machine inflate wall times
    extra = {"scale": args.rows, "months": args.months, "queries": len(f["service"]),
             "load_avg": load, "rows_per_report": round(sum(f["shown"]) / max(1, len(f["shown"])))}
    if args.json:
        for metric, p in (("disclosure_p95_ms", 95), ("disclosure_p50_ms", 50)):
            emit(BENCH, metric, round(percentile(f["service"], p), 2), "ms",
                 round(percentile(f["sql"], p), 2), extra=extra)
        emit(BENCH, "auditor_search_p95_ms", round(percentile(f["search"], 95), 2), "ms", extra=extra)
        emit(BENCH, "rows", args.rows, "rows", extra=extra)
        if load_seconds is not None:
            emit(BENCH, "load_seconds", load_seconds, "s", extra=extra)
        return
    print(f"アクセスログ {args.rows:,} 行（{args.months} か月）、ミリ秒、ロードアベレージ {load}"
          f"（{os.cpu_count()} コア）、1 件の開示記録あたり平均 {extra['rows_per_report']} 行")
    print_table(["測定", "p50", "p95"], [
        ("開示記録（サービス）", percentile(f["service"], 50), percentile(f["service"], 95)),
        ("開示記録（素のSQL）", percentile(f["sql"], 50), percentile(f["sql"], 95)),
        ("監査担当の検索（1日・50件）", percentile(f["search"], 50), percentile(f["search"], 95))])
    p95 = percentile(f["service"], 95)
    print(f"目標（1000万行）: 開示記録 p95 ≤ 50 ms（{'達成' if p95 <= 50 else '未達'}）")
