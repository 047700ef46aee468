"""A real ASGI server for the live-delivery test and ``./kasane bench alerts``: uvicorn on
127.0.0.1, on its own database (PostgreSQL: a fresh database next to the given one, dropped by
the caller; SQLite: a file in DIR).

``python -m kasane.notify.tests.live_server DIR DATABASE_URL SUBSCRIBERS``: builds the schema
(straight from the models), a municipality with 地域包括 A (a coordinator who raises alerts,
with an API token) and agency B with SUBSCRIBERS signed-in caseworkers, prints one JSON line
``{"port", "pid", "database", "token", "cookies", "org_b", "raiser_cookie", "case_id",
"consent_id"}`` (A's person has a consent naming B and an open case: A can refer it to B) and serves
``kasane.asgi:application`` until terminated.

The client helpers below (``open_stream``, ``next_event``, ``raise_alert``, ``drop_database``)
speak raw HTTP/1.1 over asyncio streams, as many browsers would.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.utils import timezone

from kasane.core import live_server as server


def _database(var: Path, url: str) -> tuple[str, str]:
    """The URL of this server's own database and its name (created empty on PostgreSQL)."""
    if not url.startswith("postgres"):
        return f"sqlite:///{var / 'live.sqlite3'}", ""
    import psycopg

    parts = urlsplit(url)
    name = f"{(parts.path.strip('/') or 'kasane')}_live_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _prepare(var: Path, url: str, subscribers: int) -> dict[str, Any]:
    own_url, name = _database(var, url)
    server.setup_django(var, own_url, heartbeat=5, max_seconds=600)

    from kasane.accounts.models import Membership, Municipality, Organization, Role, User
    from kasane.accounts.services import api_token_issue

    muni = Municipality.objects.create(code="139998", name="重ね市", prefecture="東京都")
    org_a = Organization.objects.create(municipality=muni, name="地域包括A")
    org_b = Organization.objects.create(municipality=muni, name="相談支援B")
    raiser = User.objects.create_user(username="raiser", password="correct-horse-battery",
                                      municipality=muni)
    member = Membership.objects.create(user=raiser, organization=org_a, role=Role.COORDINATOR)
    token = api_token_issue(user=raiser, membership=member, name="bench")
    cookies = []
    for i in range(subscribers):
        user = User.objects.create_user(username=f"b{i:03d}", password=None,  # no hashing
                                        municipality=muni)
        Membership.objects.create(user=user, organization=org_b, role=Role.CASEWORKER)
        cookies.append(server.session_cookie(user))
    case_id, consent_id = _case_for_referral(member, org_b)
    raiser_cookie = server.session_cookie(raiser)
    return {"database": name, "token": token, "cookies": cookies, "org_b": org_b.pk,
            "raiser_cookie": raiser_cookie, "case_id": case_id, "consent_id": consent_id}


def _case_for_referral(member: Any, org_b: Any) -> tuple[int, int]:
    """A person recorded by A, a consent naming B for information sharing, an open case: A can
    refer it to B from the screen (the e2e journey)."""
    import datetime as dt

    from kasane.cases.services import case_open
    from kasane.people.services import consent_record, person_create

    person = person_create(actor=member, fields={
        "family_name": "狛江", "given_name": "一郎", "family_name_kana": "コマエ",
        "given_name_kana": "イチロウ", "birth_date": dt.date(1950, 1, 2),
        "address": "重ね市本町1-1", "phone": "03-0000-0000"})
    consent = consent_record(actor=member, person=person, organization_ids=[org_b.pk],
                             purposes=["information_sharing"], obtained_on=timezone.localdate(),
                             method="written")
    case = case_open(actor=member, person_ids=[person.pk], summary="相談")
    return case.pk, consent.pk


def main() -> None:
    var, url, subscribers = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    server.serve(_prepare(var, url, subscribers), backlog=1024)


# -- client helpers -----------------------------------------------------------------------

async def open_stream(port: int, cookie: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A signed-in ``/events/stream`` connection, read up to its ``hello`` (the server listens)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"event: hello")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head[:200].decode(errors="replace"))
    return reader, writer


async def next_event(reader: asyncio.StreamReader, name: str) -> tuple[float, dict[str, Any]]:
    """Wait for the next ``event: name``; returns (perf_counter at arrival, its data)."""
    await reader.readuntil(f"event: {name}\n".encode())
    line = await reader.readuntil(b"\n")
    arrived = time.perf_counter()
    return arrived, json.loads(line.decode().removeprefix("data: "))


def raise_alert(port: int, token: str, org_id: int, summary: str = "自宅で倒れている") -> dict[str, Any]:
    body = json.dumps({"case_id": None, "urgency": "immediate", "summary": summary,
                       "needed": "安否確認", "target_organization_ids": [org_id],
                       "to_rota": False}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/alerts", data=body,
                                     method="POST", headers={
                                         "Authorization": f"Bearer {token}",
                                         "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (loopback)
        return dict(json.loads(answer.read()))


def listen_connections(url: str, database: str) -> int:
    """How many connections of ``database`` are listening (pg_stat_activity)."""
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                           "AND query LIKE 'LISTEN %%'", [database]).fetchone()
    return int(row[0]) if row else 0


def drop_database(url: str, database: str) -> None:
    if not database:
        return
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
