"""The shared city generator: a municipality with years of records of every kind landed so
far — organizations, coordinators (with membership history), persons in households, cases
with their subjects, involvements, contacts (incl. failed attempts and relationship stages),
referrals, support plans (versions), closures (incl. 見守り継続), 支援会議 / 重層的支援会議
with agendas; 参加支援 (places, matches, 定着支援, consents) and 地域づくり (地域課題 with
福祉のまちづくり委員会 meetings, activities, 拠点 logs). Same scale and seed → same data.

Scales (``SCALES``): ``small`` (tests), ``city80k``, ``city400k`` (~200k cases, ~2M contacts
over 10 年度), ``pref50``: 50 municipalities (tenants) in one database, populations 5k–150k
(~1.74M in all; the largest is 重ね市, code ``MUNI_CODE``), the per-city generator run once per
municipality, 2 年度 only (the 10 年度 of city400k would take hours here: docs/scaling.md §6).
Every municipality has the same case rate as city80k (cases per year = population ÷ 20).
The last generated 年度 is the one before the current one (a full year).

Use: ``load(scale, seed)`` fills the current Django database (COPY on PostgreSQL, indexes
rebuilt after); ``ensure_database(scale)`` gives the URL of a cached PostgreSQL database
``kasane_bench_city_<scale>_<version>`` — version = a hash of this file and the migration
names, so a changed generator or schema builds a new one and older versions are dropped.
Importable by other benchmarks (e.g. the web benchmark, issue 21).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
MUNI_CODE = "139995"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/"


PREF_CODES = "138"  # fictional codes 138NN + check digit (no such 東京都 municipality)


@dataclass(frozen=True)
class Scale:
    population: int
    years: int
    cases_per_year: int
    contacts_per_case: float
    municipalities: int = 1


def populations(n: int, largest: int = 150_000, smallest: int = 5_000) -> list[int]:
    """``n`` populations from ``largest`` down to ``smallest`` (a few cities, many towns:
    smallest + (largest - smallest) × ((n-1-i)/(n-1))⁴), rounded to hundreds."""
    if n == 1:
        return [largest]
    return [round((smallest + (largest - smallest) * ((n - 1 - i) / (n - 1)) ** 4) / 100) * 100
            for i in range(n)]


SCALES = {
    "small": Scale(4_000, 3, 60, 8),
    "city80k": Scale(80_000, 10, 4_000, 10),
    "city400k": Scale(400_000, 10, 20_000, 10),
    "pref50": Scale(sum(populations(50)), 2, sum(populations(50)) // 20, 10, municipalities=50),
}


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    population: int
    cases_per_year: int


def towns(spec: Scale) -> list[Town]:
    """The municipalities of a scale, largest first. One: 重ね市 with the scale's volume. Several:
    重ね市 (``MUNI_CODE``) then 重ねNN市/町 (``PREF_CODES``NN + check digit), each with its share
    of the scale's cases (its population ÷ the total)."""
    from kasane.accounts.validators import local_government_check_digit

    if spec.municipalities == 1:
        return [Town(MUNI_CODE, "重ね市", spec.population, spec.cases_per_year)]
    pops = populations(spec.municipalities,
                       smallest=min(5_000, spec.population // spec.municipalities))
    total = sum(pops)
    out = []
    for i, pop in enumerate(pops):
        five = f"{PREF_CODES}{i:02d}"
        code = MUNI_CODE if i == 0 else five + str(local_government_check_digit(five))
        name = "重ね市" if i == 0 else f"重ね{i:02d}{'市' if pop >= 50_000 else '町'}"
        out.append(Town(code, name, pop, max(1, round(spec.cases_per_year * pop / total))))
    return out

ORGS = (("福祉相談課", "department"), ("社会福祉協議会", "shakyo"),
        ("地域包括支援センター北部", "contractor"), ("地域包括支援センター南部", "contractor"),
        ("障害者相談支援事業所", "contractor"), ("生活困窮者自立相談支援機関", "contractor"),
        ("子ども家庭支援センター", "department"), ("保健センター", "department"),
        ("ハローワーク", "agency"), ("NPO法人 つなぐ", "private"))


def version() -> str:
    """Hash of this generator and the migration files (the cache key with the scale)."""
    h = hashlib.sha1(Path(__file__).read_bytes())
    for path in sorted((ROOT / "src" / "kasane" / "stats").glob("citygen*.py")):
        h.update(path.read_bytes())
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
        if name in names and not reload and _ready(url, SCALES[scale].municipalities):
            return url, False
        if name not in names or reload:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url, True


def _ready(url: str, municipalities: int = 1) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM accounts_municipality WHERE name LIKE %s",
                               ["%（生成済み）"]).fetchone()
    except psycopg.Error:
        return False
    return bool(row and row[0] >= municipalities)


# --- generation ----------------------------------------------------------------------------------

def load(scale: str | Scale, *, seed: int = 1, copy: bool = True) -> Any:
    """Generate the city (or every municipality of a multi-tenant scale, one generator run
    each, seeds ``seed``, ``seed`` + 1 …) into the current database; returns the first
    (largest) Municipality."""
    from django.db import connection

    from kasane.stats.citygen import Volume, generate, indexes_dropped

    spec = SCALES[scale] if isinstance(scale, str) else scale
    last_fy = last_fiscal_year()
    made = []
    with indexes_dropped(copy and spec.municipalities > 1):
        for i, town in enumerate(towns(spec)):
            muni, orgs, user, bodies = _base(spec, last_fy, town)
            generate(muni=muni, orgs=orgs, user=user, bodies=bodies, last_fy=last_fy,
                     seed=seed + i, copy=copy,
                     volume=Volume(spec.years, town.cases_per_year, spec.contacts_per_case),
                     community=True)
            made.append(muni)
    with connection.cursor() as cur:
        # VACUUM sets the visibility map a bulk load leaves empty (index-only scans need it;
        # autovacuum would do it later): outside a transaction only (not in tests)
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cur.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    for muni in made:
        muni.name = f"{muni.name}（生成済み）"
        muni.save(update_fields=["name"])
    return made[0]


def _base(spec: Scale, last_fy: int, town: Town) -> tuple[Any, list[Any], Any, list[Any]]:
    """The municipality, its organizations, coordinators (with membership history: some leave,
    some join — P0-1 per year) and the two meeting bodies."""
    from kasane.accounts.models import (
        Membership,
        MembershipPeriod,
        Municipality,
        Organization,
        Role,
        User,
    )
    from kasane.meetings.models import MeetingBody

    muni = Municipality.objects.create(code=town.code, name=town.name, prefecture="東京都")
    orgs = [Organization.objects.create(municipality=muni, name=n, kind=k) for n, k in ORGS]
    tag = "city" if town.code == MUNI_CODE else town.code
    user = User.objects.create(username=f"bench-{tag}-coordinator", municipality=muni)
    first = dt.date(last_fy - spec.years + 1, 4, 1)
    for i in range(6):
        coordinator = user if i == 0 else User.objects.create(
            username=f"bench-{tag}-coord{i}", municipality=muni)
        m = Membership.objects.create(user=coordinator, organization=orgs[i % 3],
                                      role=Role.COORDINATOR, is_active=i != 5)
        start = first + dt.timedelta(days=200 * i)
        MembershipPeriod.objects.create(
            membership=m, started_on=start,
            ended_on=start + dt.timedelta(days=700) if i == 5 else None)
    bodies = [MeetingBody.objects.create(municipality=muni, name=n, type=t, organizer=orgs[0],
                                         review_days=30)
              for n, t in (("支援会議", "support_meeting"), ("重層的支援会議", "multilayer_meeting"))]
    return muni, orgs, user, bodies


