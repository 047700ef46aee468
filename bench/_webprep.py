"""Prepare the database of ``./kasane bench web|soak|pages`` (run as a subprocess).

``python -m bench._webprep DATABASE_URL OUT.json``: the database (already created, empty or a
copy of the cached template) gets the schema (``migrate``) and the demo city
(``load_demo``) unless it already has them; then one signed-in session per requested load
user is written straight into the session table (``force_login`` plus a confirmed TOTP device
marked as verified, so the production MFA gate lets it through without a password hash per
user). The environment must carry the SECRET_KEY the server will use: session data and the
session auth hash are signed with it.

OUT.json receives ``{"users": [{"username", "session", "cases": [ids], "contact_cases": [ids],
"sheet_code"}], "queries": [...]}``; which cases each user may open and where it may add a
contact come from ``cases.policy``, as the screens would decide.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

# Demo logins that handle persons (they see cases, search persons and write sheets/contacts).
HANDLERS = ["suishin", "csw", "houkatsu1", "shougai", "kodomo"]
# The sheet each load user submits (a short one every handler may write).
SHEET_CODE = "liaison"


def _schema_and_demo() -> None:
    from django.core.management import call_command

    from kasane.accounts.models import User

    call_command("migrate", interactive=False, verbosity=0)
    if not User.objects.filter(username="suishin").exists():
        call_command("load_demo", verbosity=0)


def _session_for(user: Any) -> str:
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench",
                                                 defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = SessionStore(session_key=key)
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.save()
    return key


def _cases_of(user: Any) -> tuple[list[int], list[int]]:
    from kasane.accounts import services as account_services
    from kasane.cases import policy as case_policy

    member = account_services.membership_for(user, None)
    visible = list(case_policy.visible_cases(member).order_by("pk"))
    contact = [c.pk for c in visible if c.is_open and case_policy.is_involved(member, c)]
    return [c.pk for c in visible], contact


def prepare(users: int) -> dict[str, Any]:
    """Schema, demo data and ``users`` sessions spread over the handler logins."""
    import django

    django.setup()
    from kasane.accounts.models import User
    from kasane.people.models import Person

    _schema_and_demo()
    accounts = {u.username: u for u in User.objects.filter(username__in=HANDLERS)}
    cases = {name: _cases_of(accounts[name]) for name in HANDLERS}
    rows = []
    for i in range(users):
        name = HANDLERS[i % len(HANDLERS)]
        visible, contact = cases[name]
        rows.append({"username": name, "session": _session_for(accounts[name]),
                     "cases": visible, "contact_cases": contact, "sheet_code": SHEET_CODE})
    from django.conf import settings

    # the search asks for two characters or more
    queries = sorted({p.family_name for p in Person.objects.all()[:200] if len(p.family_name) >= 2})
    return {"users": rows, "queries": queries[:40] or ["山田"],
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME}


def main() -> None:
    url, out, users = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    os.environ["KASANE_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")
    for key in ("KASANE_ENV", "KASANE_DEBUG"):
        os.environ.pop(key, None)  # the demo loader refuses production settings
    out.write_text(json.dumps(prepare(users)), encoding="utf-8")


if __name__ == "__main__":
    main()
