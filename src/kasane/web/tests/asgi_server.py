"""A real ASGI server for test_asgi_serving: uvicorn on 127.0.0.1, its own SQLite file.

``python -m kasane.web.tests.asgi_server DIR``: builds the schema in DIR/db.sqlite3 (straight
from the models — migrations take seconds too long for a unit test), a user with a membership
and a signed-in session, RECORDS submitted 9マスシート records, prints one JSON line ``{"port": …, "cookie": …, "static": …}``, then
serves ``kasane.asgi:application`` until terminated. The event loop's default thread pool is
cut to ``ASGI_POOL`` threads (2): nothing a request needs may wait on it.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RECORDS = 60


def _prepare(var: Path) -> dict[str, object]:
    os.environ["KASANE_VAR_DIR"] = str(var)
    os.environ["KASANE_DATABASE_URL"] = f"sqlite:///{var / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")
    for name in ("KASANE_ENV", "KASANE_DEBUG"):
        os.environ.pop(name, None)
    os.environ["KASANE_REQUIRE_MFA"] = "0"
    os.environ.setdefault("KASANE_SSE_HEARTBEAT_SECONDS", "1")
    os.environ.setdefault("KASANE_SSE_MAX_SECONDS", "120")

    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    with connection.schema_editor() as editor:
        for model in (m for config in apps.get_app_configs() for m in config.get_models()):
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)

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
    client = Client()
    client.force_login(user)
    connection.close()
    return {"records": RECORDS, "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
            "static": f"{settings.STATIC_URL}kasane/kasane.css"}


async def _serve(sock: socket.socket) -> None:
    import uvicorn

    from kasane.core import streaming
    from kasane.sheets import exports

    streaming.BATCH_BYTES = 2048  # many small batches: the CSV crosses threads many times
    exports.BATCH = 7
    pool = int(os.environ.get("ASGI_POOL", "2"))
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=pool))
    config = uvicorn.Config("kasane.asgi:application", log_level="warning", lifespan="off",
                            timeout_graceful_shutdown=1)
    await uvicorn.Server(config).serve(sockets=[sock])


def main() -> None:
    info = _prepare(Path(sys.argv[1]))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    print(json.dumps({"port": sock.getsockname()[1], "pid": os.getpid(), **info}), flush=True)
    asyncio.run(_serve(sock))


if __name__ == "__main__":
    main()
