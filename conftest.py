"""Shared test fixtures: a small city with named actors (STYLE.md), plus the e2e gate.

Actors: ``recorder`` (caseworker who records), ``partner`` (caseworker of another org),
``outsider`` (caseworker with no basis), ``auditor``, ``admin`` (no case content),
``coordinator``; and ``other_city`` with its own admin for tenant isolation.
"""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _session_renewal_once(settings: Any) -> None:
    """A signed-in session is renewed at most every KASANE_SESSION_RENEW_SECONDS (60 s in
    production): in tests, once (the first request after ``force_login``), so that a slow
    machine passing the minute between two measured requests does not add a session UPDATE to
    one of them (``core.testing.assert_flat_queries``). Tests of the renewal set it themselves."""
    settings.KASANE_SESSION_RENEW_SECONDS = 10**9


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With KASANE_REQUIRE_E2E=1 a run where e2e tests were skipped (or absent) fails."""
    if os.environ.get("KASANE_REQUIRE_E2E") != "1" or hasattr(session.config, "workerinput"):
        return
    markexpr = session.config.getoption("markexpr", "") or ""
    if "not e2e" in markexpr:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped_e2e = [r for r in reporter.stats.get("skipped", [])
                   if "tests/e2e/" in str(getattr(r, "nodeid", ""))]
    ran_e2e = [r for key in ("passed", "failed") for r in reporter.stats.get(key, [])
               if "tests/e2e/" in str(getattr(r, "nodeid", "")) and getattr(r, "when", "") == "call"]
    if skipped_e2e or not ran_e2e:
        reporter.write_line(
            f"KASANE_REQUIRE_E2E=1: e2e skipped={len(skipped_e2e)} ran={len(ran_e2e)} — failing",
            red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: object) -> None:
    """PBKDF2 at production strength costs ~0.3 s a user; tests only need a hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def city(db: object) -> SimpleNamespace:
    from kasane.accounts.models import (
        Membership,
        Municipality,
        Organization,
        OrganizationKind,
        Role,
        Unit,
        User,
    )

    muni = Municipality.objects.create(code="139998", name="重ね市", prefecture="東京都")
    unit = Unit.objects.create(municipality=muni, code="共", name="共生推進課", order=1)
    orgs = {
        "city": Organization.objects.create(municipality=muni, name="福祉相談課",
                                            kind=OrganizationKind.DEPARTMENT, unit=unit),
        "shakyo": Organization.objects.create(municipality=muni, name="社協",
                                              kind=OrganizationKind.SHAKYO),
        "houkatsu": Organization.objects.create(municipality=muni, name="地域包括北部",
                                                kind=OrganizationKind.CONTRACTOR),
        "shougai": Organization.objects.create(municipality=muni, name="障害相談",
                                               kind=OrganizationKind.CONTRACTOR),
        "library": Organization.objects.create(municipality=muni, name="図書館",
                                               kind=OrganizationKind.DEPARTMENT),
        "audit": Organization.objects.create(municipality=muni, name="監査担当",
                                             kind=OrganizationKind.DEPARTMENT),
    }

    def member(username: str, org: str, role: str) -> User:
        user = User.objects.create_user(username=username, password="correct-horse-battery",
                                        municipality=muni, display_name=username)
        Membership.objects.create(user=user, organization=orgs[org], role=role)
        return user

    other = Municipality.objects.create(code="131016", name="千代田区", prefecture="東京都")
    other_org = Organization.objects.create(municipality=other, name="他区 福祉課",
                                            kind=OrganizationKind.DEPARTMENT)
    other_admin = User.objects.create_user(username="other_admin", password="correct-horse-battery",
                                           municipality=other)
    Membership.objects.create(user=other_admin, organization=other_org, role=Role.ADMIN)
    return SimpleNamespace(
        municipality=muni, unit=unit, orgs=orgs, other=other, other_org=other_org,
        other_admin=other_admin,
        coordinator=member("coordinator", "city", Role.COORDINATOR),
        recorder=member("recorder", "shougai", Role.CASEWORKER),
        partner=member("partner", "houkatsu", Role.CASEWORKER),
        outsider=member("outsider", "shakyo", Role.CASEWORKER),
        liaison=member("liaison", "library", Role.LIAISON),
        secretariat=member("secretariat", "city", Role.SECRETARIAT),
        auditor=member("auditor", "audit", Role.AUDITOR),
        admin=member("admin", "city", Role.ADMIN),
        password="correct-horse-battery",
    )


def pytest_terminal_summary(terminalreporter: object, exitstatus: int, config: pytest.Config) -> None:
    """One line with what the authorization matrix asserted (src/kasane/web/tests/authz),
    summed over its shards (the values travel from the xdist workers as user properties)."""
    totals: dict[str, int] = {}
    for key in ("passed", "failed"):
        for report in terminalreporter.stats.get(key, []):  # type: ignore[attr-defined]
            for name, value in getattr(report, "user_properties", []):
                if name.startswith("authz_"):
                    totals[name] = totals.get(name, 0) + int(value)
    if totals:
        terminalreporter.write_line(  # type: ignore[attr-defined]
            f"authz matrix: {totals.get('authz_entries', 0)} entries, "
            f"{totals.get('authz_cells', 0)} cells, {totals.get('authz_masking', 0)} masking "
            f"checks, {totals.get('authz_logged', 0)} person reads checked for their log row")
