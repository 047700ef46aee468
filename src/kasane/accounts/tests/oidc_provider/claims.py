"""Claims of the test provider: email and preferred_username, and ``amr`` per user."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _entry(username: str) -> dict[str, Any]:
    return next((u for u in settings.TEST_USERS if u["username"] == username), {})


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    claims["email"] = user.email
    claims["preferred_username"] = user.username
    claims["name"] = user.username
    return claims


def idtoken_hook(id_token: dict[str, Any], user: Any, **kwargs: Any) -> dict[str, Any]:
    entry = _entry(user.username)
    if entry.get("amr"):
        id_token["amr"] = entry["amr"]
    if entry.get("aud"):
        id_token["aud"] = entry["aud"]  # a token minted for another client
    return id_token
