"""A real ASGI server for test_asgi_serving: uvicorn on 127.0.0.1, its own SQLite file.

``python -m kasane.web.tests.asgi_server DIR``: builds the schema in DIR/db.sqlite3 (straight
from the models — migrations take seconds too long for a unit test), a user with a membership
and a signed-in session, RECORDS submitted 9マスシート records, prints one JSON line ``{"port": …, "cookie": …, "static": …}``, then
serves ``kasane.asgi:application`` until terminated. The event loop's default thread pool is
cut to ``ASGI_POOL`` threads (2): nothing a request needs may wait on it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kasane.core import live_server as server

RECORDS = 60


def _prepare(var: Path) -> dict[str, object]:
    server.setup_django(var, f"sqlite:///{var / 'db.sqlite3'}", heartbeat=1, max_seconds=120)
    from django.conf import settings

    from kasane.accounts.models import Membership, Municipality, Organization, Role, User

    muni = Municipality.objects.create(code="139998", name="重ね市", prefecture="東京都")
    org = Organization.objects.create(municipality=muni, name="福祉相談課")
    user = User.objects.create_user(username="sse", password="correct-horse-battery",
                                    municipality=muni)
    member = Membership.objects.create(user=user, organization=org, role=Role.CASEWORKER)
    from kasane.sheets import loader, services
    from kasane.sheets.models import SheetDefinition

    loader.sync_standard(SheetDefinition, codes=("nine_grid",))
    for i in range(RECORDS):
        services.record_create(actor=member, code="nine_grid", submit=True, prefill=False,
                               answers={"center": f"課題{i}", "cell_1": "=1+2"})
    return {"records": RECORDS, "cookie": server.session_cookie(user),
            "static": f"{settings.STATIC_URL}kasane/kasane.css"}


async def _cut_pool() -> None:
    from kasane.core import streaming
    from kasane.sheets import exports

    streaming.BATCH_BYTES = 2048  # many small batches: the CSV crosses threads many times
    exports.BATCH = 7
    pool = int(os.environ.get("ASGI_POOL", "2"))
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=pool))


def main() -> None:
    server.serve(_prepare(Path(sys.argv[1])), backlog=256, before=_cut_pool)


if __name__ == "__main__":
    main()
