"""``./kasane bench search --scale N [--json] [--queries Q] [--explain] [--sqlite] [--reload]``

Person search at N persons: p50/p95 of a mix of typical queries through Kasane's search
service (``people.selectors.person_search``: parsing, access scoping through
``visible_persons``, ranking, masking and the access log) against the bare SQL index query
for the same query on the same database (one key range, ``LIMIT 50``, no access scoping, no
ranking, no logging).

Database: PostgreSQL by default, a dedicated database ``kasane_bench_search_<N>`` on the local
server (``KASANE_BENCH_DATABASE_URL`` or ``--db`` overrides the URL), created on first use and
reused while it holds exactly N bench persons (``--reload`` rebuilds it). ``--sqlite`` runs on
a throw-away SQLite file instead. Persons come from bench/persons.py (records incl. their
duplicates and noise), spread over four organizations; the benchmark actor is the city's
coordinator, who recorded 40 % of them and holds consent / case grants for about half of the
rest (so ~70 % are visible and the access filter is exercised both ways).

JSON lines (DESIGN.md §9): ``p95_ms`` and ``p50_ms`` (value = search service, baseline = bare
SQL, ratio = value / baseline), ``p95_equiv_ms`` (value = search service, baseline = the
same work in hand-written SQL: the bare query's key range with the access predicate inside the
scan, the shown page's display and masking data and each row's basis, one multi-row INSERT of
the access-log rows, commit) and ``bad_input_max_ms`` (slowest refusal of a bad query).
Goal at 1,000,000 persons on PostgreSQL: p95 ≤ 25 ms and ≤ 1.5× the same-work SQL.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench._common import emit, parse_args, percentile, print_table

BENCH = "search"
MUNI_CODE = "139996"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/"
KINDS = ("kana_prefix", "full_name", "family_birth_year", "birth_date", "phone")
BAD_QUERIES = ("", " ", "\x00\x01", "高", "S50", "昭和50年", "あ" * 10_000, "S99.13.1",
               "ア イ ウ エ オ")


def main(argv: list[str]) -> int:
    args = parse_args(argv, {"scale": 100_000},
                      extra=[("--queries", int, 250), ("--db", str, "")],
                      flags=["--sqlite", "--reload", "--explain"],
                      description="本人検索の速度（検索サービス vs 素の SQL インデックス検索）")
    tmp = tempfile.mkdtemp(prefix="kasane-bench-search-")
    os.environ["KASANE_VAR_DIR"] = tmp
    os.environ.pop("KASANE_ENV", None)
    try:
        if args.sqlite:
            os.environ.pop("KASANE_DATABASE_URL", None)
        else:
            url = args.db or os.environ.get("KASANE_BENCH_DATABASE_URL") or \
                f"{DEFAULT_SERVER}kasane_bench_search_{args.scale}"
            try:
                _prepare_pg_database(url, args.scale, args.reload)
            except Exception as exc:  # psycopg.OperationalError and friends: no server here
                print(f"PostgreSQL に接続できません（{exc}）。--sqlite で SQLite でも測れます。",
                      file=sys.stderr)
                return 2
            os.environ["KASANE_DATABASE_URL"] = url
        return _run(args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --- database -------------------------------------------------------------------------------

def _prepare_pg_database(url: str, scale: int, reload: bool) -> None:
    """Create the database, or drop and recreate it unless it holds exactly ``scale`` persons."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists and not reload and _bench_persons(url) == scale:
        return
    with psycopg.connect(admin, autocommit=True) as conn:
        if exists:
            print(f"データベース {name} を作り直します", file=sys.stderr)
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _bench_persons(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM people_person p JOIN accounts_municipality m "
                "ON m.id = p.municipality_id WHERE m.code = %s", [MUNI_CODE]).fetchone()
    except psycopg.Error:
        return -1
    return int(row[0]) if row else -1


def _run(args: Any) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from kasane.accounts.models import Membership, Municipality

    muni = Municipality.objects.filter(code=MUNI_CODE).first()
    if muni is None:
        t0 = time.perf_counter()
        _load(args.scale, args.seed)
        print(f"{args.scale:,} 人を {time.perf_counter() - t0:.0f} 秒で投入しました",
              file=sys.stderr)
    actor = Membership.objects.select_related("organization", "user").get(
        user__username="bench-search-coordinator")
    queries = _queries(actor, args.queries, args.seed)
    if args.explain:
        _explain(actor, queries)
    times = _measure(actor, queries, connection)
    bad_ms = _bad_inputs(actor)
    _report(args, connection.vendor, queries, times, bad_ms)
    return 0


def _load(scale: int, seed: int) -> None:
    """N persons (bench/persons.py records) in four organizations, grants for the city."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.persons import generate
    from kasane.access.models import Grant
    from kasane.accounts.models import Membership, Municipality, Organization, Role, User
    from kasane.people.models import Person
    from kasane.people.services import persons as services

    rnd = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        muni = Municipality.objects.create(code=MUNI_CODE, name="重ね市（検索ベンチ）",
                                           prefecture="東京都")
        orgs = [Organization.objects.create(municipality=muni, name=name, kind=kind)
                for name, kind in (("福祉相談課", "department"), ("地域包括支援センター", "contractor"),
                                   ("社会福祉協議会", "shakyo"), ("障害者相談支援事業所", "agency"))]
        user = User.objects.create(username="bench-search-coordinator", municipality=muni)
        Membership.objects.create(user=user, organization=orgs[0], role=Role.COORDINATOR)
    records = generate(scale, seed=seed).records[:scale]
    persons, grants = [], []
    for rec in records:
        roll = rnd.random()
        org = orgs[0] if roll < 0.4 else orgs[1 + int((roll - 0.4) / 0.2)]
        p = Person(municipality_id=muni.pk, family_name=rec.family_name or rec.family_kana,
                   given_name=rec.given_name or rec.given_kana, family_name_kana=rec.family_kana,
                   given_name_kana=rec.given_kana, birth_date=rec.birth_date,
                   sex=rnd.choice(("male", "female")), address=rec.address, phone=rec.phone,
                   created_by_org_id=org.pk, created_at=now, updated_at=now,
                   restriction="dv" if rnd.random() < 0.002 else "")
        services._apply_keys(p)  # the services' own key derivation (bulk, without audit rows)
        persons.append(p)
    _bulk_insert(Person, persons, connection)
    ids = list(Person.objects.filter(municipality=muni).order_by("pk")
               .values_list("pk", "created_by_org_id"))
    for pid, org_id in ids:
        if org_id == orgs[0].pk:
            continue
        roll = rnd.random()
        if roll < 0.5:
            basis = "consent" if roll < 0.45 else "case_involvement"
            grants.append(Grant(municipality_id=muni.pk, person_id=pid, organization_id=orgs[0].pk,
                                basis=basis, valid_from=now, created_at=now))
    _bulk_insert(Grant, grants, connection)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("VACUUM ANALYZE people_person")  # autocommit here: not in a transaction
            cur.execute("VACUUM ANALYZE access_grant")
        else:
            cur.execute("ANALYZE")


def _bulk_insert(model: Any, objs: list[Any], connection: Any) -> None:
    """COPY on PostgreSQL (secondary indexes dropped and rebuilt after), else bulk_create."""
    from django.db import transaction

    if connection.vendor != "postgresql":
        with transaction.atomic():
            model.objects.bulk_create(objs, batch_size=2000)
        return
    with transaction.atomic():
        indexes = _copy(model, objs, connection)
    with connection.cursor() as cur:  # after the commit: deferred FK checks have run
        for _name, definition in indexes:
            cur.execute(definition)


def _copy(model: Any, objs: list[Any], connection: Any) -> list[tuple[str, str]]:
    table = model._meta.db_table
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND "
                    "indexname NOT IN (SELECT conname FROM pg_constraint)", [table])
        indexes = cur.fetchall()
        for name, _def in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        columns = ", ".join(f'"{f.column}"' for f in fields)
        with cur.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection)
                                for f in fields])
    return indexes


# --- queries --------------------------------------------------------------------------------

def _queries(actor: Any, n: int, seed: int) -> list[tuple[str, str]]:
    """(kind, query) pairs, round-robin over KINDS, drawn from visible and invisible persons."""
    from kasane.core.wareki import format_wareki
    from kasane.people.models import Person

    rnd = random.Random(seed + 1)
    muni_id = actor.organization.municipality_id
    top = Person.objects.filter(municipality_id=muni_id).order_by("-pk").values_list(
        "pk", flat=True).first() or 0
    sample_ids = [rnd.randint(1, top) for _ in range(n * 3)]
    sample = list(Person.objects.filter(pk__in=sample_ids, municipality_id=muni_id).values_list(
        "family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date",
        "phone", "kana_key"))
    rnd.shuffle(sample)
    out: list[tuple[str, str]] = []
    for i, (fam, given, fam_kana, _gk, birth, phone, kana_key) in enumerate(sample):
        kind = KINDS[len(out) % len(KINDS)]
        if len(out) >= n:
            break
        if kind == "kana_prefix" and len(kana_key) >= 2:
            text = kana_key[:rnd.choice((2, 3, 3, 4))]
            out.append((kind, text if i % 2 else _hiragana(text)))
        elif kind == "full_name" and fam and given:
            out.append((kind, f"{fam}{given}" if i % 2 else f"{fam} {given}"))
        elif kind == "family_birth_year" and birth and (fam_kana or fam):
            era_year = format_wareki(birth, "short").split(".")[0]
            out.append((kind, f"{fam_kana or fam} {era_year}"))
        elif kind == "birth_date" and birth:
            out.append((kind, format_wareki(birth, "short") if i % 2 else birth.isoformat()))
        elif kind == "phone" and phone:
            out.append((kind, phone))
    return out


def _hiragana(s: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in s)


def _bare_sql(muni_id: int, q: str, vendor: str) -> tuple[str, list[Any]]:
    """The bare index query for ``q``: one key range (or birth range), LIMIT 50, no access."""
    from kasane.core.text import is_kana
    from kasane.people.selectors.persons import _TOP, parse_query

    parsed = parse_query(q)
    c = ' COLLATE "C"' if vendor == "postgresql" else ""
    select = ("SELECT id, family_name, given_name, family_name_kana, given_name_kana, "
              "birth_date, address, phone FROM people_person WHERE municipality_id = %s")
    params: list[Any] = [muni_id]
    if parsed.names:
        key = "".join(parsed.names)
        col = "kana_key" if is_kana(key) else "name_key"
        select += f" AND {col}{c} >= %s AND {col}{c} < %s"
        params += [key, key + _TOP]
        order = f"{col}{c}, birth_date, id"
    elif parsed.phone and not parsed.birth:
        select += f" AND phone_key{c} >= %s AND phone_key{c} < %s"
        params += [parsed.phone, parsed.phone + _TOP]
        order = f"phone_key{c}, id"
    else:
        order = f"kana_key{c}, id"
    if parsed.birth:
        select += " AND birth_date BETWEEN %s AND %s"
        params += list(parsed.birth)
    return f"{select} ORDER BY {order} LIMIT 50", params


def _equiv_sql(actor: Any, q: str, vendor: str) -> tuple[str, list[Any]]:
    """The same work as the service in one hand-written statement: the bare query's key range
    with the access predicate inside the scan (the clause ``visible_persons`` compiles to),
    returning the shown page's display and masking data (restriction, named on it, the
    recording organization) and each row's basis (own record, else its grant's)."""
    from kasane.access.policy import active_grants
    from kasane.people.selectors.persons import _visible_where

    sql, params = _bare_sql(actor.organization.municipality_id, q, vendor)
    visible = _visible_where(actor)
    assert visible is not None
    grant_sql, grant_params = active_grants(actor).values("basis", "person_id").query.sql_with_params()
    select, rest = sql.split(" FROM people_person WHERE ", 1)
    where, order = rest.split(" ORDER BY ", 1)
    out = (f"{select}, people_person.restriction, (SELECT o.name FROM accounts_organization o "
           "WHERE o.id = people_person.created_by_org_id), "
           "EXISTS (SELECT 1 FROM people_person_restriction_users r WHERE r.person_id = "
           "people_person.id AND r.user_id = %s), "
           "CASE WHEN people_person.created_by_org_id = %s THEN 'own_record' ELSE "
           f"(SELECT g.basis FROM ({grant_sql}) AS g WHERE g.person_id = people_person.id "
           "LIMIT 1) END "
           f"FROM people_person WHERE {where} AND {visible[0]} ORDER BY {order}")
    return out, [actor.user_id, actor.organization_id, *grant_params, *params[:1],
                 *params[1:], *visible[1]]


def _equiv_run(actor: Any, sql: str, params: list[Any], connection: Any) -> None:
    """Run the same-work SQL, then one multi-row INSERT of the access-log rows as the service
    writes them (PostgreSQL: one array per column; SQLite: a VALUES list), committed as it
    runs (autocommit: the INSERT and its durable COMMIT are one round trip, as in the
    service; an explicit transaction would add BEGIN and COMMIT round trips the service
    does not make)."""
    from django.utils import timezone

    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
        if not rows:
            return
        now = timezone.now()
        values = [(now, actor.user_id, actor.user.username, str(row[0]), row[0], row[-1],
                   actor.organization.municipality_id, actor.organization_id) for row in rows]
        head = ("INSERT INTO audit_accesslog (at, user_id, username, action, object_type, "
                "object_id, person_id, basis, detail, request_id, ip, municipality_id, "
                "organization_id) ")
        if connection.vendor == "postgresql":
            cur.execute(head + "SELECT a, u, n, 'person.search', 'people.Person', o, p, b, 'q', "
                        "'', NULL, m, g FROM unnest(%s::timestamptz[], %s::int[], %s::text[], "
                        "%s::text[], %s::bigint[], %s::text[], %s::bigint[], %s::bigint[]) "
                        "AS t(a, u, n, o, p, b, m, g)",
                        [list(c) for c in zip(*values, strict=True)])
        else:
            row_sql = ("(%s, %s, %s, 'person.search', 'people.Person', %s, %s, %s, 'q', '', "
                       "NULL, %s, %s)")
            cur.execute(head + "VALUES " + ", ".join([row_sql] * len(values)),
                        [v for row in values for v in row])


def _measure(actor: Any, queries: list[tuple[str, str]], connection: Any
             ) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per variant ("service", "no_log", "bare", "equiv"; "service_cpu": this
    process's CPU time in the service, the figure other processes' load disturbs least) and
    kind; one warm-up pass."""
    from kasane.people.selectors import person_search

    muni_id = actor.organization.municipality_id
    times: dict[str, dict[str, list[float]]] = {v: defaultdict(list)
                                                for v in ("service", "no_log", "bare", "equiv",
                                                          "service_cpu")}
    for timed in (False, True):
        for kind, q in queries:
            sql, params = _bare_sql(muni_id, q, connection.vendor)
            equiv, equiv_params = _equiv_sql(actor, q, connection.vendor)
            t0 = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute(sql, params)
                cur.fetchall()
            t1 = time.perf_counter()
            c1 = time.process_time()
            result = person_search(actor, q)
            c2 = time.process_time()
            t2 = time.perf_counter()
            person_search(actor, q, log=False)
            t3 = time.perf_counter()
            _equiv_run(actor, equiv, equiv_params, connection)
            t4 = time.perf_counter()
            if result.error:
                raise SystemExit(f"検索語 {q!r} が拒否されました: {result.error}")
            if timed:
                times["bare"][kind].append((t1 - t0) * 1000)
                times["service"][kind].append((t2 - t1) * 1000)
                times["no_log"][kind].append((t3 - t2) * 1000)
                times["equiv"][kind].append((t4 - t3) * 1000)
                times["service_cpu"][kind].append((c2 - c1) * 1000)
    return times


def _bad_inputs(actor: Any) -> float:
    from kasane.people.selectors import person_search

    worst = 0.0
    for q in BAD_QUERIES:
        t0 = time.perf_counter()
        result = person_search(actor, q)
        worst = max(worst, (time.perf_counter() - t0) * 1000)
        if not result.error:
            raise SystemExit(f"悪い検索語 {q[:20]!r} が拒否されませんでした")
    return worst


def _explain(actor: Any, queries: list[tuple[str, str]]) -> None:
    """EXPLAIN ANALYZE of the service's first candidate statement for the first query of each
    kind (the others run only when it does not fill the page)."""
    from django.db import connection

    from kasane.people.selectors import persons as selectors

    seen: set[str] = set()
    for kind, q in queries:
        if kind in seen:
            continue
        seen.add(kind)
        branches = selectors._branches(actor, selectors.parse_query(q), 51)
        if not branches:
            continue
        prefix = "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" \
            else "EXPLAIN QUERY PLAN"
        with connection.cursor() as cur:
            cur.execute(f"{prefix} {branches[0][0]}", branches[0][1])
            plan = "\n".join(" | ".join(str(c) for c in row) for row in cur.fetchall())
        print(f"--- {kind} {q!r}\n{plan}", file=sys.stderr)


# --- report ---------------------------------------------------------------------------------

def _report(args: Any, vendor: str, queries: list[tuple[str, str]],
            times: dict[str, dict[str, list[float]]], bad_ms: float) -> None:
    every = {v: [x for k in KINDS for x in times[v][k]] for v in times}
    load = round(os.getloadavg()[0], 1)  # other processes on the machine inflate wall times
    extra = {"scale": args.scale, "backend": vendor, "queries": len(queries), "load_avg": load}
    if args.json:
        for metric, p in (("p95_ms", 95), ("p50_ms", 50)):
            emit(BENCH, metric, round(percentile(every["service"], p), 2), "ms",
                 round(percentile(every["bare"], p), 2), extra={
                     **extra, "without_access_log": round(percentile(every["no_log"], p), 2),
                     "by_kind": {k: round(percentile(times["service"][k], p), 2) for k in KINDS}})
        cpu = every["service_cpu"]
        emit(BENCH, "p95_equiv_ms", round(percentile(every["service"], 95), 2), "ms",
             round(percentile(every["equiv"], 95), 2), extra={
                 **extra, "by_kind": {k: round(percentile(times["equiv"][k], 95), 2) for k in KINDS},
                 "service_cpu_ms_mean": round(sum(cpu) / len(cpu), 2) if cpu else 0.0})
        emit(BENCH, "bad_input_max_ms", round(bad_ms, 2), "ms", extra=extra)
        return
    variants = ("service", "no_log", "equiv", "bare")
    rows = [(k, len(times["service"][k]),
             *(percentile(times[v][k], p) for v in variants for p in (50, 95))) for k in KINDS]
    rows.append(("全体", len(every["service"]),
                 *(percentile(every[v], p) for v in variants for p in (50, 95))))
    print(f"{args.scale:,} 人（{vendor}）、ミリ秒、ロードアベレージ {load}（{os.cpu_count()} コア）")
    print_table(["種類", "件数", "検索 p50", "検索 p95", "記録なし p50", "記録なし p95",
                 "同じ処理のSQL p50", "同じ処理のSQL p95", "素のSQL p50", "素のSQL p95"], rows)
    p95, base = percentile(every["service"], 95), percentile(every["bare"], 95)
    print("「検索」= 検索サービス（閲覧範囲・順位付け・閲覧制限・アクセス記録の書き込みを含む）、"
          "「記録なし」= アクセス記録を書かない場合、「同じ処理のSQL」= 閲覧範囲の条件を含む検索・"
          "表示と閲覧制限に要る列・アクセス記録の複数行 INSERT・コミットを手書きの SQL で、"
          "「素のSQL」= インデックス検索 1 本")
    print(f"悪い検索語への応答: 最大 {bad_ms:.2f} ms")
    cpu = every["service_cpu"]
    print(f"検索サービスの CPU 時間（このプロセス）: 平均 {sum(cpu) / max(1, len(cpu)):.2f} ms")
    equiv = percentile(every["equiv"], 95)
    print(f"目標（100万人・PostgreSQL）: p95 ≤ 25 ms（{'達成' if p95 <= 25 else '未達'}）、"
          f"同じ処理のSQLの1.5倍以内（{p95 / equiv if equiv else 0:.1f} 倍: "
          f"{'達成' if equiv and p95 <= 1.5 * equiv else '未達'}）、素のSQLの "
          f"{p95 / base if base else 0:.1f} 倍")
