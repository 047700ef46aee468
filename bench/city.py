"""The shared city generator: a municipality with years of records of every kind landed so
far — organizations, coordinators (with membership history), persons in households, cases
with their subjects, involvements, contacts (incl. failed attempts and relationship stages),
referrals, support plans (versions), closures (incl. 見守り継続), 支援会議 / 重層的支援会議
with agendas; 参加支援 (places, matches, 定着支援, consents) and 地域づくり (地域課題 with
福祉のまちづくり委員会 meetings, activities, 拠点 logs). Same scale and seed → same data.

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

    from kasane.stats.citygen import Volume, generate

    spec = SCALES[scale]
    last_fy = last_fiscal_year()
    muni, orgs, user, bodies = _base(spec, last_fy)
    generate(muni=muni, orgs=orgs, user=user, bodies=bodies, last_fy=last_fy, seed=seed,
             copy=copy, volume=Volume(spec.years, spec.cases_per_year, spec.contacts_per_case),
             community=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    muni.name = f"{muni.name}（生成済み）"
    muni.save(update_fields=["name"])
    return muni


def _base(spec: Scale, last_fy: int) -> tuple[Any, list[Any], Any, list[Any]]:
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

    muni = Municipality.objects.create(code=MUNI_CODE, name="重ね市", prefecture="東京都")
    orgs = [Organization.objects.create(municipality=muni, name=n, kind=k) for n, k in ORGS]
    user = User.objects.create(username="bench-city-coordinator", municipality=muni)
    first = dt.date(last_fy - spec.years + 1, 4, 1)
    for i in range(6):
        coordinator = user if i == 0 else User.objects.create(
            username=f"bench-city-coord{i}", municipality=muni)
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


