"""Page panels: HTML an app adds to a page of an app below it, which never imports it.

A higher app registers ``PANELS.add("<app>.<page>", fn)`` from its own ``panels`` module
(imported by its ``AppConfig.ready()``); the page's template renders them with
``{% panels "<app>.<page>" obj %}`` (web's ``kasane`` tags). A panel is
``fn(request, obj) -> str``: HTML rendered from its own (autoescaped) template, "" for
nothing. It runs after the page's own access check and must apply its own access rule.
Pages today: ``sheets.record`` (cases), ``people.person`` (sheets, notify), ``cases.case``
(notify, participation), ``meetings.meeting`` (community: a network meeting's page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .registry import Registry

Panel = Callable[[Any, Any], str]
PANELS: Registry[Panel] = Registry("page panels")


def render_panels(page: str, request: Any, obj: Any) -> str:
    return "".join(panel(request, obj) for panel in PANELS.get(page))
