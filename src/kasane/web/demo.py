"""Loads the whole demo city, app by app in dependency order (each loader is idempotent)."""

from __future__ import annotations

from django.db import transaction

from kasane.accounts import demo as accounts_demo
from kasane.audit.context import request_context

from .modules import import_optional

DEMO_LOGINS = [(login.username, login.label) for login in accounts_demo.LOGINS]

# Each app's ``demo.load(data: dict) -> None`` in dependency order; ``data`` starts as what
# accounts_demo.load() returns and each loader may add its own keys for the next ones.
LOADERS = [
    "kasane.people.demo",
    "kasane.sheets.demo",
    "kasane.cases.demo",
    "kasane.meetings.demo",
    "kasane.pdca.demo",
]


def load_demo() -> dict[str, object]:
    with request_context(), transaction.atomic():
        data = accounts_demo.load()
        for dotted in LOADERS:
            module = import_optional(dotted)
            if module is not None:  # None: app without demo data yet
                module.load(data)
    return data
