"""Open-loop latency of ``./kasane bench web --open-loop R1,R2,…`` (docs/scaling.md §2.10).

Locust's latency phase below the server's capacity measures mostly locust: each of its 50
users' first request of a phase waits ~0.5 s, and 50 gevent users add ~15–25 ms to every
request. This check asks the same server with plain threads instead: ``users`` threads, each
with one signed-in session of the bench and one kept-alive connection, send requests at fixed
times from a random phase (together ``rate`` a second), the home inbox, person search and case
page in equal parts — the pages of the mix that read; the writing tasks are left out. A
request's latency runs from the time it was *due*, so a thread held up by a slow answer counts
the wait (no coordinated omission). The first quarter of each rate's run warms up and is not
counted.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from typing import Any
from urllib.parse import quote

from bench._common import percentile
from bench._webserver import FORWARDED, Server

PAGES = ("home", "search", "case")


def run(server: Server, *, rate: float, seconds: int, users: int) -> dict[str, Any]:
    """One rate: {"samples", "p50_ms", "p95_ms", "p99_ms", "achieved_req_per_s", "errors",
    "per_page": {page: p95_ms}} over the requests due after the warm-up."""
    start = time.perf_counter() + 0.5
    counted_from = start + seconds / 4
    end = start + seconds
    found: dict[str, list[float]] = {page: [] for page in PAGES}
    errors = [0]
    lock = threading.Lock()

    def user(index: int) -> None:
        me = server.prep["users"][index % len(server.prep["users"])]
        headers = {**FORWARDED, "Accept-Encoding": "gzip",
                   "Cookie": f"{server.prep['session_cookie']}={me['session']}"}
        chooser = random.Random(index)  # noqa: S311 - load, not security
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        interval = users / rate
        due = start + chooser.uniform(0, interval)
        while due < end:
            time.sleep(max(0.0, due - time.perf_counter()))
            page = chooser.choice(PAGES)
            ok, connection = _get(connection, server, _path(page, me, server, chooser), headers)
            took = (time.perf_counter() - due) * 1000
            with lock:
                if not ok:
                    errors[0] += 1
                elif due >= counted_from:
                    found[page].append(took)
            due += interval
        connection.close()

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [t for times in found.values() for t in times]
    return {"samples": len(every), "errors": errors[0],
            "achieved_req_per_s": round(len(every) / (end - counted_from), 1),
            "p50_ms": _ms(every, 50), "p95_ms": _ms(every, 95), "p99_ms": _ms(every, 99),
            "per_page": {page: _ms(times, 95) for page, times in found.items()}}


def _path(page: str, me: dict[str, Any], server: Server, chooser: random.Random) -> str:
    if page == "search":
        return "/people/?q=" + quote(chooser.choice(server.prep["queries"]))
    if page == "case" and me["cases"]:
        return f"/cases/{chooser.choice(me['cases'])}/"
    return "/"


def _get(connection: http.client.HTTPConnection, server: Server, path: str,
         headers: dict[str, str]) -> tuple[bool, http.client.HTTPConnection]:
    """GET on the kept connection; once more on a new one if the server had closed it."""
    for attempt in range(2):
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status == 200, connection
        except (http.client.HTTPException, OSError):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            if attempt:
                return False, connection
    return False, connection


def _ms(times: list[float], p: float) -> float | None:
    """The ``p``-th percentile in ms to 0.1, None without samples (never a made-up 0)."""
    return round(percentile(times, p), 1) if times else None
