"""Playwright journeys in Debian's Chromium (never a downloaded browser).

Without /usr/bin/chromium the journeys are skipped — unless KASANE_REQUIRE_E2E=1, where the
root conftest turns any skipped journey into a failed run.
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop; Django's ORM in the same thread is still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KASANE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},  # the commonest office screen
    "smartphone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
                   "is_mobile": True, "has_touch": True},
}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def device(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def blocked_requests() -> list[str]:
    """URLs a page tried to load from anywhere but the live server (must stay empty)."""
    return []


@pytest.fixture
def new_page(browser: Any, device: str, live_server: Any,
             blocked_requests: list[str]) -> Iterator[Any]:
    contexts: list[Any] = []

    def route(route: Any) -> None:
        if route.request.url.startswith(live_server.url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            blocked_requests.append(route.request.url)
            route.abort()

    def make() -> Any:
        ctx = browser.new_context(base_url=live_server.url, locale="ja-JP",
                                  timezone_id="Asia/Tokyo", **VIEWPORTS[device])
        ctx.set_default_timeout(15000)
        # Nothing may leave the machine (LGWAN): fail any request that is not to the live server.
        ctx.route("**/*", route)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture(scope="session")
def _demo_template(django_db_setup: Any, django_db_blocker: Any) -> Iterator[bytes | None]:
    """On PostgreSQL: load the demo city once per test worker into the test database and keep
    a copy as a template database; each journey then starts from a fresh clone of it (about a
    second) instead of loading the city through the services again (10–25 s). Yields the
    pickled data the loader returned, or None on other databases (each journey loads the city
    itself)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield None
        return
    from django.test import override_settings

    from kasane.web.demo import load_demo

    # the journeys run with the fast test hasher (root conftest); hash the demo logins alike
    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        data = pickle.dumps(load_demo())
        name = connection.settings_dict["NAME"]
        template = f"{name}_demo"
        _clone(name, template)
    yield data
    with django_db_blocker.unblock():
        _admin_sql(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')


def _admin_sql(sql: str) -> None:
    """Run one statement on the server's maintenance database (outside any transaction)."""
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(sql)


def _clone(source: str, target: str) -> None:
    """``target`` becomes a copy of ``source`` (every connection to both is closed first)."""
    from django.db import connections

    connections.close_all()
    _admin_sql(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
    _admin_sql(f'CREATE DATABASE "{target}" TEMPLATE "{source}" STRATEGY FILE_COPY')


@pytest.fixture
def demo_city(transactional_db: Any, _demo_template: bytes | None) -> Any:
    """The demo city 重ね市, fresh for each journey (the loader's data: users, orgs, persons …)."""
    if _demo_template is None:
        from kasane.web.demo import load_demo

        return load_demo()
    from django.db import connection

    name = connection.settings_dict["NAME"]
    _clone(f"{name}_demo", name)
    return pickle.loads(_demo_template)  # noqa: S301 - our own data from this session


def screenshot(page: Any, name: str, device: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{device}.png"
    page.screenshot(path=str(path), full_page=True)
    if device == "smartphone":
        # A full-page capture under mobile emulation can leave Chromium's visual viewport
        # out of step with the layout (a later click then lands on <main> or another card,
        # seen once in CI under load); setting the viewport again re-applies the emulation.
        page.set_viewport_size(page.viewport_size)
    return path


def login(page: Any, username: str, password: str = "kasane-demo") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def open_menu(page: Any, device: str) -> None:
    """Open the smartphone menu (a no-op on desktop). Waits for kasane.js first: a click
    before the deferred script has run would be lost on a busy machine."""
    if device != "smartphone":
        return
    page.wait_for_selector("html.js", state="attached")
    if not page.locator("#site-nav.open").count():
        page.click("[data-nav-toggle]")
    page.wait_for_selector("#site-nav.open")


def open_user_menu(page: Any, device: str) -> None:
    """Open the header's user menu (name, 所属 switcher, password, logout)."""
    open_menu(page, device)
    if not page.locator("details[data-user-menu][open]").count():
        page.click("details[data-user-menu] summary")


def logout(page: Any, device: str) -> None:
    open_user_menu(page, device)
    page.click("button:has-text('ログアウト')")
    page.wait_for_selector("h1:has-text('ログイン')")
