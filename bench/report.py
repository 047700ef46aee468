"""``./kasane bench report --scale small|city80k|city400k|pref50 [--json] [--runs R] [--reload]
[--municipality CODE]``

The full national report (spec/reporting.md part B, ``stats.national.national_report``) for
the last full 年度 of the generated city (bench/city.py, cached database per scale and
generator version), against ONE hand-written SQL query computing the same figures
(``BASELINE_SQL``). Both run R times; the best time of each is reported. Every figure of the
SQL must equal Kasane's (``mismatches`` 0), else the run fails.

JSON lines (DESIGN.md §9): ``seconds`` (value = Kasane's report, baseline = the SQL, ratio),
``mismatches``; ``load_avg`` beside each (a shared machine inflates times).
Goal at city400k on PostgreSQL: ≤ 2 s and ≤ 1.5× the SQL.

``pref50`` (50 municipalities in one database): the report of ONE municipality among the 50 —
by default the largest (重ね市) and the smallest, one pair of lines each, with ``municipality``,
its ``cases`` and the database's ``all_cases`` beside the figures; ``--municipality CODE`` picks
one. ``--alone`` is the control: the same first municipality (same volume and seed, so the
same rows) generated ALONE in a database of its own (``kasane_bench_solo_<scale>_<version>``);
run both back to back: the figures of 重ね市 with ``tenants`` 50 and 1 show what sharing the
database with 49 other municipalities costs.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from typing import Any

from bench._common import emit, print_table

BENCH = "report"

# One query: every national figure with a records source (P0 … P3 here, P4/P5 spliced in from
# P45_*), as named columns; contacts, involvements and referrals filtered on their own tenant
# column like Kasane's metrics; each family of counts over one set of records (a year's
# contacts, its closures) in one pass with FILTER. Run with JIT off (``baseline``): PostgreSQL's JIT
# otherwise compiles this one big plan for longer than it runs (10 of 11 s at city80k).
BASELINE_SQL = """
WITH c AS (SELECT id, tags, status, opened_at FROM cases_case WHERE municipality_id = %(m)s),
k AS (SELECT k.case_id, k.tags, k.reached FROM cases_contact k
      WHERE k.municipality_id = %(m)s AND k.at >= %(s)s AND k.at < %(e)s),
handled AS (SELECT c.* FROM c WHERE c.opened_at < %(e)s AND NOT (
      c.status IN ('closed', 'watching')
      AND EXISTS (SELECT 1 FROM cases_closure x WHERE x.case_id = c.id AND x.closed_on < %(sd)s)
      AND NOT EXISTS (SELECT 1 FROM cases_closure x WHERE x.case_id = c.id AND x.closed_on >= %(sd)s))),
cl AS (SELECT x.reason, x.watch FROM cases_closure x JOIN c ON c.id = x.case_id
       WHERE x.closed_on BETWEEN %(sd)s AND %(ed)s AND c.tags @> '["multi_agency"]'),
pl AS (SELECT p.version FROM cases_supportplan p JOIN c ON c.id = p.case_id
       WHERE p.status = 'approved' AND p.approved_on BETWEEN %(sd)s AND %(ed)s
       AND c.tags @> '["multi_agency"]'),
mt AS (SELECT m.id, b.type FROM meetings_meeting m JOIN meetings_meetingbody b ON b.id = m.body_id
       WHERE m.municipality_id = %(m)s AND m.starts_at >= %(s)s AND m.starts_at < %(e)s
       AND m.starts_at <= now()),
reached_out AS (SELECT DISTINCT case_id FROM k WHERE reached AND tags @> '["outreach"]')
SELECT
 (SELECT count(DISTINCT ms.user_id) FROM accounts_membership ms
   JOIN accounts_organization o ON o.id = ms.organization_id
   WHERE o.municipality_id = %(m)s AND ms.role = 'coordinator' AND (
     EXISTS (SELECT 1 FROM accounts_membershipperiod p WHERE p.membership_id = ms.id
             AND p.started_on <= %(ed)s AND (p.ended_on IS NULL OR p.ended_on >= %(ed)s))
     OR (ms.is_active AND (ms.created_at AT TIME ZONE %(tz)s)::date <= %(ed)s
         AND NOT EXISTS (SELECT 1 FROM accounts_membershipperiod p WHERE p.membership_id = ms.id))
   )) AS "P0-1",
 (SELECT count(*) FROM (
   SELECT i.organization_id FROM cases_involvement i WHERE i.municipality_id = %(m)s
    AND i.started_on <= %(ed)s AND (i.ended_on IS NULL OR i.ended_on >= %(sd)s)
   UNION SELECT r.to_org_id FROM cases_referral r WHERE r.municipality_id = %(m)s
    AND r.created_at >= %(s)s AND r.created_at < %(e)s
   UNION SELECT r.from_org_id FROM cases_referral r WHERE r.municipality_id = %(m)s
    AND r.created_at >= %(s)s AND r.created_at < %(e)s) o) AS "P0-2",
 (SELECT count(*) FROM c WHERE opened_at >= %(s)s AND opened_at < %(e)s
   AND tags @> '["comprehensive"]') AS "P1-2",
 (SELECT count(DISTINCT s.person_id) FROM cases_casesubject s WHERE s.case_id IN
   (SELECT case_id FROM k WHERE reached AND tags @> '["comprehensive"]')) AS "P1-3",
 (SELECT count(*) FROM cases_referral r JOIN c ON c.id = r.case_id WHERE r.status = 'accepted'
   AND r.municipality_id = %(m)s AND r.responded_at >= %(s)s AND r.responded_at < %(e)s
   AND c.tags @> '["multi_agency"]') AS "P1-4",
 (SELECT count(*) FROM c WHERE opened_at >= %(s)s AND opened_at < %(e)s
   AND tags @> '["multi_agency"]') AS "P2-1-new",
 (SELECT count(*) FROM handled WHERE opened_at < %(s)s
   AND tags @> '["multi_agency"]') AS "P2-1-continuing",
 (SELECT count(*) FROM pl WHERE version = 1) AS "P2-2-created",
 (SELECT count(*) FROM pl WHERE version > 1) AS "P2-2-revised",
 (SELECT count(*) FROM mt WHERE type = 'support_meeting') AS "P2-3-held",
 (SELECT count(DISTINCT a.case_id) FROM meetings_agendaitem a JOIN mt ON mt.id = a.meeting_id
   WHERE mt.type = 'support_meeting') AS "P2-3-cases",
 (SELECT count(*) FROM mt WHERE type = 'multilayer_meeting') AS "P2-4-held",
 (SELECT count(DISTINCT a.case_id) FROM meetings_agendaitem a JOIN mt ON mt.id = a.meeting_id
   WHERE mt.type = 'multilayer_meeting') AS "P2-4-cases",
 (SELECT count(DISTINCT s.person_id) FROM cases_casesubject s JOIN handled h ON h.id = s.case_id
   WHERE h.tags @> '["outreach"]') AS "P3-1",
 (SELECT count(DISTINCT s.person_id) FROM cases_casesubject s
   WHERE s.case_id IN (SELECT case_id FROM reached_out)) AS "P3-3-reached",
 (SELECT count(DISTINCT s.person_id) FROM cases_casesubject s
   WHERE s.case_id IN (SELECT case_id FROM reached_out) AND (
     EXISTS (SELECT 1 FROM cases_supportplan p WHERE p.case_id = s.case_id
             AND p.status = 'approved' AND p.approved_on <= %(ed)s)
     OR EXISTS (SELECT 1 FROM cases_referral r WHERE r.case_id = s.case_id
             AND r.status = 'accepted' AND r.responded_at < %(e)s))) AS "P3-3-connected",
 ko.*, clo.*
FROM (SELECT count(*) FILTER (WHERE reached AND tags @> '["comprehensive"]') AS "P1-1",
        count(*) FILTER (WHERE reached AND tags @> '["outreach"]') AS "P3-2-reached",
        count(*) FILTER (WHERE NOT reached AND tags @> '["outreach"]') AS "P3-2-not-reached"
      FROM k) AS ko,
     (SELECT count(*) FILTER (WHERE NOT watch) AS "P2-5-closed",
        {reasons},
        count(*) FILTER (WHERE watch) AS "P2-5-watch"
      FROM cl) AS clo
"""

# P4 参加支援 / P5 地域づくり: CTEs and columns spliced into the one query by baseline_sql()
# (definitions: participation/metrics.py, community/metrics.py; default settings, i.e.
# KASANE_PARTICIPATION_REQUIRES_PLAN off; the generated city has no 名寄せ links).
P45_CTES = """
pl_places AS (SELECT p.*, COALESCE(p.opened_on, (p.created_at AT TIME ZONE %(tz)s)::date) AS opened
      FROM resources_place p WHERE p.municipality_id = %(m)s AND p.status <> 'draft'),
hubs AS (SELECT * FROM pl_places p WHERE p.kind IN ('ibasho', 'salon', 'kodomo_shokudo')
      OR EXISTS (SELECT 1 FROM community_hublog h WHERE h.place_id = p.id)),
ma AS (SELECT x.person_id, x.place_id, x.started_on FROM participation_match x
      WHERE x.municipality_id = %(m)s AND x.stage IN ('started', 'ended')
      AND x.started_on IS NOT NULL AND x.started_on <= %(ed)s
      AND (x.ended_on IS NULL OR x.ended_on >= %(sd)s)),
act AS (SELECT a.sessions, a.participants FROM community_activity a
      WHERE a.municipality_id = %(m)s AND a.held_on BETWEEN %(sd)s AND %(ed)s
      AND a.tags @> '["community"]'),
hl AS (SELECT h.visits_children + h.visits_teens + h.visits_adults + h.visits_elderly AS visits
      FROM community_hublog h WHERE h.municipality_id = %(m)s AND h.on BETWEEN %(sd)s AND %(ed)s)"""

P45_COLUMNS = """
 (SELECT count(*) FROM (
   SELECT person_id FROM ma
   UNION SELECT s.person_id FROM cases_casesubject s
    WHERE s.case_id IN (SELECT k2.case_id FROM cases_contact k2
                        WHERE k2.municipality_id = %(m)s AND k2.at >= %(s)s AND k2.at < %(e)s
                        AND k2.tags @> '["participation"]')
    AND s.person_id IN (SELECT g.person_id FROM people_consent g
                        WHERE g.municipality_id = %(m)s AND g.obtained_on <= %(ed)s
                        AND (g.withdrawn_on IS NULL OR g.withdrawn_on >= %(sd)s)
                        AND (g.valid_until IS NULL OR g.valid_until >= %(sd)s)
                        AND g.purposes @> '["participation"]')) u) AS "P4-1",
 (SELECT count(*) FROM participation_match x WHERE x.municipality_id = %(m)s
   AND x.stage IN ('started', 'ended') AND x.started_on BETWEEN %(sd)s AND %(ed)s) AS "P4-2-matches",
 (SELECT count(*) FROM participation_followup f
   JOIN participation_match x ON x.id = f.match_id
   WHERE x.municipality_id = %(m)s AND f.on BETWEEN %(sd)s AND %(ed)s) AS "P4-2-followups",
 (SELECT count(DISTINCT place_id) FROM ma) AS "P4-3-hosts",
 (SELECT count(*) FROM pl_places WHERE developed_on BETWEEN %(sd)s AND %(ed)s) AS "P4-3-new",
 (SELECT count(*) FROM hubs WHERE opened <= %(ed)s AND NOT (
   (closed_on IS NOT NULL AND closed_on <= %(ed)s)
   OR (closed_on IS NULL AND status = 'closed'))) AS "P5-1-hubs",
 (SELECT count(*) FROM hubs WHERE opened BETWEEN %(sd)s AND %(ed)s) AS "P5-1-new",
 (SELECT COALESCE(sum(sessions), 0) FROM act) + (SELECT count(*) FROM hl) AS "P5-2-events",
 (SELECT COALESCE(sum(participants), 0) FROM act)
   + (SELECT COALESCE(sum(visits), 0) FROM hl) AS "P5-2-participants",
 (SELECT count(*) FROM community_areaissue i WHERE i.municipality_id = %(m)s
   AND i.created_at >= %(s)s AND i.created_at < %(e)s) AS "P5-3-found",
 (SELECT count(*) FROM community_areaissue i WHERE i.municipality_id = %(m)s AND EXISTS (
   SELECT 1 FROM community_issueaction a JOIN meetings_meeting mm ON mm.id = a.meeting_id
   JOIN meetings_meetingbody mb ON mb.id = mm.body_id
   WHERE a.issue_id = i.id AND mb.type = 'area_committee'
   AND mm.starts_at >= %(s)s AND mm.starts_at < %(e)s)) AS "P5-3-discussed",
 (SELECT count(*) FROM pl_places p WHERE p.opened BETWEEN %(sd)s AND %(ed)s
   AND (p.developed_on IS NOT NULL
        OR EXISTS (SELECT 1 FROM community_issueaction a WHERE a.resource_id = p.id))) AS "P5-4"
"""

REASONS = ("goal_met", "roles_agreed", "connected", "self_request", "other_system", "moved",
           "death", "unreachable", "other")


def baseline_sql() -> str:
    sql = BASELINE_SQL.replace("{reasons}", ",\n ".join(
        f"count(*) FILTER (WHERE NOT watch AND reason = '{r}') AS \"P2-5-{r}\""
        for r in REASONS))
    head, select, columns = sql.partition("\nSELECT\n")
    # the P4/P5 columns go before the one-pass families (``ko.*, clo.*`` and their FROM)
    columns = columns.replace("\n ko.*, clo.*\n", f"{P45_COLUMNS.rstrip()},\n ko.*, clo.*\n")
    return f"{head},{P45_CTES}{select}{columns}"


def baseline(muni: Any, fy: int) -> dict[str, int]:
    """The hand-written SQL's figures for 年度 ``fy``."""
    from django.db import connection, transaction
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    params = {"m": muni.pk, "sd": dt.date(fy, 4, 1), "ed": dt.date(fy + 1, 3, 31),
              "s": dt.datetime(fy, 4, 1, tzinfo=tz), "e": dt.datetime(fy + 1, 4, 1, tzinfo=tz),
              "tz": str(tz)}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL jit = off")
        cur.execute(baseline_sql(), params)
        row = cur.fetchone()
        names = [c.name for c in cur.description]
    return dict(zip(names, row, strict=True))


def kasane(muni: Any, fy: int) -> dict[str, Any]:
    from kasane.stats.national import national_report

    return {f["code"]: f["value"] for f in national_report(muni, fy)}


def compare(muni: Any, fy: int) -> list[tuple[str, Any, Any]]:
    """(code, Kasane, SQL) for every figure where they differ."""
    ours, sql = kasane(muni, fy), baseline(muni, fy)
    return [(code, ours.get(code), value) for code, value in sql.items()
            if ours.get(code) != value]


def _best(fn: Any, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str]) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="./kasane bench report")
    p.add_argument("--scale", choices=("small", "city80k", "city400k", "pref50"), default="small")
    p.add_argument("--municipality", default="", help="報告する自治体のコード（pref50）")
    p.add_argument("--alone", action="store_true",
                   help="pref50 の最大の自治体だけを別のデータベースに生成して比べる")
    p.add_argument("--json", action="store_true")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reload", action="store_true")
    args = p.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="kasane-bench-report-")
    os.environ["KASANE_VAR_DIR"] = tmp
    os.environ.pop("KASANE_ENV", None)
    try:
        from bench import city

        try:
            if args.alone:
                url, build = _solo_database(args.scale, reload=args.reload)
            else:
                url, build = city.ensure_database(args.scale, seed=args.seed, reload=args.reload)
        except Exception as exc:  # psycopg.OperationalError: no server here
            print(f"PostgreSQL に接続できません（{exc}）。", file=sys.stderr)
            return 2
        os.environ["KASANE_DATABASE_URL"] = url
        return _run(args, build)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def solo_scale(scale: str) -> Any:
    """The first (largest) municipality of a multi-tenant scale as a scale of its own: the
    same volume and seed, hence the same rows as inside the shared database."""
    from bench import city

    spec = city.SCALES[scale]
    first = city.towns(spec)[0]
    return city.Scale(first.population, spec.years, first.cases_per_year, spec.contacts_per_case)


def _solo_database(scale: str, *, reload: bool = False) -> tuple[str, bool]:
    """(URL, built) of the control database for ``--alone`` (dropped when the generator or
    the migrations changed, like the scale's own)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    from bench import city

    name = f"kasane_bench_solo_{scale}_{city.version()}"
    server = city.DEFAULT_SERVER
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    with psycopg.connect(urlunsplit(urlsplit(server)._replace(path="/postgres")),
                         autocommit=True) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [f"kasane_bench_solo_{scale}_%"]).fetchall()]
        for old in names:
            if old != name or reload:
                conn.execute(f'DROP DATABASE "{old}" WITH (FORCE)')
        if name in names and not reload and city._ready(url):
            return url, False
        if name not in names or reload:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url, True


def _run(args: Any, build: bool) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from bench import city
    from kasane.accounts.models import Municipality

    if build:
        call_command("migrate", verbosity=0, interactive=False)
        t0 = time.perf_counter()
        city.load(solo_scale(args.scale) if args.alone else args.scale, seed=args.seed)
        print(f"{args.scale}{'（最大の自治体だけ）' if args.alone else ''} を {time.perf_counter() - t0:.0f} 秒で生成しました", file=sys.stderr)
    fy = city.last_fiscal_year()
    munis = list(Municipality.objects.order_by("code"))
    if args.municipality:
        chosen = [m for m in munis if m.code == args.municipality]
        if not chosen:
            print(f"自治体コード {args.municipality} はこのデータにありません。", file=sys.stderr)
            return 2
    else:
        codes = [t.code for t in city.towns(city.SCALES[args.scale])]
        chosen = [m for code in dict.fromkeys((codes[0], codes[-1]))
                  for m in munis if m.code == code]
    failed = 0
    for muni in chosen:
        failed += _report_one(args, muni, fy, tenants=len(munis), alone=args.alone)
    return 1 if failed else 0


def _report_one(args: Any, muni: Any, fy: int, *, tenants: int, alone: bool = False) -> int:
    from kasane.cases.models import Case

    diff = compare(muni, fy)
    ours = _best(lambda: kasane(muni, fy), args.runs)
    sql = _best(lambda: baseline(muni, fy), args.runs)
    load = round(os.getloadavg()[0], 2)
    extra: dict[str, Any] = {"scale": args.scale, "fiscal_year": fy, "load_avg": load}
    if tenants > 1 or alone:
        extra.update(municipality=muni.code, tenants=tenants,
                     cases=Case.objects.filter(municipality=muni).count(),
                     all_cases=Case.objects.count())
    if args.json:
        emit(BENCH, "seconds", round(ours, 4), "s", round(sql, 4), extra)
        emit(BENCH, "mismatches", len(diff), "count", None, extra)
    else:
        print_table(("指標", "Kasane", "SQL", "比"),
                    [("国への報告（秒）", round(ours, 3), round(sql, 3), round(ours / sql, 2))])
        where = f"、{muni.name}（{muni.code}、{tenants} 自治体中）" if tenants > 1 else ""
        print(f"規模 {args.scale}{where}、{fy}年度、不一致 {len(diff)}、load average {load}")
    for code, a, b in diff:
        print(f"不一致 {code}: Kasane={a} SQL={b}", file=sys.stderr)
    return 1 if diff else 0
