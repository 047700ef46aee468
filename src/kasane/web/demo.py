"""Loads the whole demo city, app by app in dependency order (each loader is idempotent)."""

from __future__ import annotations

from django.db import transaction

from kasane.accounts import demo as accounts_demo
from kasane.audit.context import request_context

DEMO_LOGINS = [(login.username, login.label) for login in accounts_demo.LOGINS]

# Later apps append ``callable(city_data: dict) -> None`` loaders here.
LOADERS: list = []


def load_demo() -> dict[str, object]:
    with request_context(), transaction.atomic():
        data = accounts_demo.load()
        for loader in LOADERS:
            loader(data)
    return data
