"""The read-replica scenario of test_replica, run in its own process against a ReplicaPair.

``python -m tests.replica.scenario`` with KASANE_DATABASE_URL (primary) and
KASANE_REPLICA_DATABASE_URL (its streaming replica) set: builds the schema on the primary
(straight from the models; the replica receives it by replication), then prints one JSON object
of observations — which connection served each read, and what each user saw while the
replica's replay was paused — for the test to assert on.

Requests go through the real ``ReplicaMiddleware`` (RequestFactory requests, plain views).
"""

from __future__ import annotations

import json
import os
import time
from typing import Any


def _schema() -> None:
    from django.apps import apps
    from django.db import connection

    with connection.schema_editor() as editor:
        for model in (m for config in apps.get_app_configs() for m in config.get_models()):
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)


def _wait_replayed(seconds: float = 30) -> None:
    from kasane.core.replica import primary_lsn, replica_lsn_reached

    target = primary_lsn()
    deadline = time.monotonic() + seconds
    while not replica_lsn_reached(target):
        if time.monotonic() > deadline:
            raise RuntimeError("the replica did not catch up")
        time.sleep(0.05)


class _Count:
    """Queries run on each connection inside the block (CaptureQueriesContext on both)."""

    def __enter__(self) -> _Count:
        from django.db import connections
        from django.test.utils import CaptureQueriesContext

        self.ctx = {a: CaptureQueriesContext(connections[a]) for a in ("default", "replica")}
        for c in self.ctx.values():
            c.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        for c in self.ctx.values():
            c.__exit__(*exc)

    def selects(self, alias: str) -> int:
        """SELECTs on ``alias``, leaving out the router's own replay-position question."""
        return sum(1 for q in self.ctx[alias].captured_queries
                   if q["sql"].lstrip().upper().startswith("SELECT")
                   and "pg_last_wal_replay_lsn" not in q["sql"]
                   and "pg_current_wal_insert_lsn" not in q["sql"])


def _views(municipality: Any) -> tuple[Any, Any]:
    from django.http import HttpResponse, JsonResponse

    from kasane.accounts.models import Organization
    from kasane.core.replica import using_replica

    def write(request: Any) -> HttpResponse:
        Organization.objects.create(municipality=municipality, name=request.POST["name"])
        return HttpResponse(status=302)

    def read(request: Any) -> JsonResponse:
        with _Count() as count, using_replica():
            names = sorted(Organization.objects.filter(municipality=municipality)
                           .values_list("name", flat=True))
        served = "replica" if count.selects("replica") else "default"
        return JsonResponse({"names": names, "served_by": served})

    return write, read


def run() -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connections
    from django.test import RequestFactory

    from kasane.accounts.models import Municipality, Organization
    from kasane.core.replica import COOKIE, ReplicaMiddleware, using_replica
    from kasane.stats.selectors import values_for

    _schema()
    muni = Municipality.objects.create(code="139998", name="重ね市", prefecture="東京都")
    Organization.objects.create(municipality=muni, name="既存の組織")
    _wait_replayed()
    out: dict[str, Any] = {}

    # 1. where each query goes
    with _Count() as c:
        Organization.objects.filter(municipality=muni).count()
    out["plain_read"] = {a: c.selects(a) for a in ("default", "replica")}
    with _Count() as c, using_replica():
        Organization.objects.filter(municipality=muni).count()
        Organization.objects.create(municipality=muni, name="書き込み")  # a write inside
    out["opted_in_read"] = {a: c.selects(a) for a in ("default", "replica")}
    out["write_inside_on_primary"] = Organization.objects.filter(name="書き込み").exists()
    with _Count() as c:
        values_for(muni, 2026)
    out["stats"] = {a: c.selects(a) for a in ("default", "replica")}
    _wait_replayed()

    # 2. a lagging replica: replay paused
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    write, read = _views(muni)
    rf = RequestFactory()
    post = ReplicaMiddleware(write)(rf.post("/write", {"name": "あなたの新しい組織"}))
    cookie = post.cookies[COOKIE].value if COOKIE in post.cookies else ""
    out["cookie"] = cookie
    mine = rf.get("/read")
    mine.COOKIES[COOKIE] = cookie
    out["own_while_paused"] = json.loads(ReplicaMiddleware(read)(mine).content)
    out["other_while_paused"] = json.loads(ReplicaMiddleware(read)(rf.get("/read")).content)
    post_read = rf.post("/read")
    out["writing_request_reads"] = json.loads(ReplicaMiddleware(read)(post_read).content)

    # 3. replay resumed: the same browser is served by the replica again
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    _wait_replayed()
    again = rf.get("/read")
    again.COOKIES[COOKIE] = cookie
    out["own_after_resume"] = json.loads(ReplicaMiddleware(read)(again).content)
    with using_replica():
        out["replica_in_recovery"] = _in_recovery()
    return out


def _in_recovery() -> bool:
    from django.db import connections

    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        row = cursor.fetchone()
    return bool(row and row[0])


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")
    for key in ("KASANE_ENV", "KASANE_DEBUG"):
        os.environ.pop(key, None)
    print(json.dumps(run(), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
