"""What the matrix must cover, read from the project itself: every page URL pattern of the URL
conf (by ``namespace:name``; an unnamed one by its route) and every API operation of
``/api/v1/openapi.json`` (``METHOD /api/v1/path``, from the ninja api object)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Page:
    """One page URL pattern: its key in the rules table and its route with converters."""

    key: str
    route: str


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> list[Page]:
    found: list[Page] = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            found += _walk(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern):
            if getattr(p.callback, "__module__", "").startswith("ninja"):
                continue  # an API operation: listed from the schema instead
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            found.append(Page(key=name or route, route=route))
    return found


def pages() -> dict[str, Page]:
    """Every page pattern by key (the same key twice keeps the first, as ``reverse`` does)."""
    found: dict[str, Page] = {}
    for page in _walk(get_resolver().url_patterns):
        found.setdefault(page.key, page)
    return found


def operations() -> set[str]:
    """Every API operation as ``METHOD /api/v1/path`` (path parameters in braces)."""
    from kasane.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}
