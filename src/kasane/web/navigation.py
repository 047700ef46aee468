"""Navigation by role: which menu entries a membership sees (labels in Japanese)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from kasane.accounts.models import CASE_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    more: bool = False  # shown under 「その他」 so the desktop menu stays one row

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


ALL = frozenset(Role.values)
# Later apps append their entries here (in dependency order, web is the top app).
CASES = frozenset(CASE_ROLES)
NAV_ITEMS: list[NavItem] = [
    NavItem("ホーム", "web:home", ALL),
    NavItem("ケース", "cases:index", CASES),
    NavItem("会議", "meetings:index", CASES),
    NavItem("本人・世帯", "people:search", CASES),
    NavItem("緊急案件", "notify:alerts", CASES),
    NavItem("参加支援", "participation:index", CASES),
    NavItem("人材バンク", "participation:volunteers", CASES, more=True),
    NavItem("緊急アクセスの確認", "people:emergency_queue", frozenset({Role.COORDINATOR}), more=True),
    NavItem("名寄せ候補", "people:match_queue", frozenset({Role.COORDINATOR}), more=True),
    NavItem("開示記録", "people:disclosure_lookup", frozenset({Role.AUDITOR})),
    NavItem("帳票", "sheets:index", CASES | {Role.LIAISON}),
    NavItem("社会資源", "resources:index", CASES | {Role.SECRETARIAT, Role.COORDINATOR}, more=True),
    NavItem("地域づくり", "community:index", CASES | {Role.SECRETARIAT}),
    NavItem("圏域", "areas:index", frozenset({Role.SECRETARIAT, Role.COORDINATOR, Role.ADMIN}),
            more=True),
    NavItem("PDCA", "pdca:index", frozenset({Role.SECRETARIAT, Role.COMMITTEE, Role.COORDINATOR,
                                             Role.PROMOTER, Role.CASEWORKER, Role.SUPPORTER})),
    NavItem("統計", "stats:index", frozenset({Role.SECRETARIAT, Role.COMMITTEE, Role.COORDINATOR})),
    NavItem("監査ログ", "audit:search", frozenset({Role.AUDITOR})),
    NavItem("管理", "accounts:admin", frozenset({Role.ADMIN})),
    NavItem("保存期間と廃棄", "retention:index", frozenset({Role.ADMIN, Role.SECRETARIAT}),
            more=True),
]


# Platform operators (superuser / staff without a municipality) see this whatever their role.
PLATFORM_ITEM = NavItem("自治体の追加", "accounts:platform_municipality_new", frozenset())


def nav_for(role: str | None) -> list[NavItem]:
    if role is None:
        return []
    return [item for item in NAV_ITEMS if role in item.roles and item.url]


@dataclass(frozen=True)
class NavLink:
    """A menu entry with its URL resolved (what the layout renders)."""

    label: str
    url: str
    more: bool


def nav_links(role: str | None, platform: bool) -> tuple[NavLink, ...]:
    """The menu of a role (plus the platform operators' entry): ``nav_for``'s entries with
    their URLs, resolved once per process for each role, URL configuration and script prefix
    instead of ~40 ``reverse()`` calls on every page (the entries and URLs are constants of
    the code; a test that swaps ROOT_URLCONF or the prefix gets its own entry)."""
    return _nav_links(role, platform, get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=256)
def _nav_links(role: str | None, platform: bool, urlconf: str | None,
               prefix: str) -> tuple[NavLink, ...]:
    items = nav_for(role) + ([PLATFORM_ITEM] if platform else [])
    return tuple(NavLink(item.label, item.url, item.more) for item in items)


def handles_cases(role: str | None) -> bool:
    return role in CASE_ROLES
