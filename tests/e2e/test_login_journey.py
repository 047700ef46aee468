"""Foundation journey: every demo role logs in on desktop and smartphone and sees home."""

from __future__ import annotations

from typing import Any

from kasane.accounts.demo import LOGINS

from .conftest import login, logout, screenshot


def test_it_logs_every_demo_role_in_and_shows_home(demo_city: Any, new_page: Any, device: str,
                                                    blocked_requests: list[str]) -> None:
    page = new_page()
    for demo_login in LOGINS:
        login(page, demo_login.username)
        page.wait_for_selector("h1:has-text('わたしの仕事')")
        assert page.locator("[data-testid=user-name]").inner_text() == demo_login.display_name
        if demo_login.username in {"suishin", "kansa", "admin", "renrakuin"}:
            screenshot(page, f"home-{demo_login.username}", device)
        logout(page, device)
    assert blocked_requests == []


def test_it_refuses_a_wrong_password_in_japanese(demo_city: Any, new_page: Any,
                                                  device: str) -> None:
    page = new_page()
    login(page, "suishin", "wrong-password")
    assert page.locator(".form-errors").inner_text().strip() == \
        "ユーザー名またはパスワードが正しくありません。"
    screenshot(page, "login-error", device)
