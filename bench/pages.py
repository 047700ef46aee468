"""``./kasane bench pages [--json]``: what each main page costs a browser on a thin LGWAN line.

The production server of bench web (bench._webserver: gunicorn + uvicorn workers, production
settings, the demo city) and Debian's Chromium through playwright, signed in as a demo
coordinator (suishin). Each main page is loaded as a browser would (its linked CSS, JS, images,
fonts; cold cache) and every response is recorded:

- ``kb.<page>``: gzipped HTML + JS + CSS of the page in KB (each body gzipped at level 9, as
  WhiteNoise precompresses static files and the HTML is sent compressed);
- ``max_kb``: the largest gzipped JS + CSS of any page (goal ≤ 100 KB);
- ``external_requests``: requests to any host but 127.0.0.1 over all pages (must be 0; they
  are refused, so nothing leaves the machine).

Goals: issue 21. ``load_avg`` is printed beside each figure (sizes do not depend on it).
"""

from __future__ import annotations

import gzip
import os
import shutil
import sys
from typing import Any
from urllib.parse import urlsplit

from bench._common import emit, parse_args, print_table
from bench._webserver import Server, serve

BENCH = "pages"
CHROMIUM = os.environ.get("KASANE_CHROMIUM", "/usr/bin/chromium")
LOGIN = "suishin"


def main_pages(server: Server) -> dict[str, str]:
    """name → path of the main pages for the signed-in coordinator."""
    me = next(u for u in server.prep["users"] if u["username"] == LOGIN)
    case = me["contact_cases"][0] if me["contact_cases"] else me["cases"][0]
    query = server.prep["queries"][0]
    return {"home": "/", "search": f"/people/?q={query}", "cases": "/cases/",
            "case": f"/cases/{case}/", "contact_form": f"/cases/{case}/contacts/new/",
            "sheet_form": "/sheets/new/liaison/", "sheets": "/sheets/", "meetings": "/meetings/"}


def _kind(response: Any) -> str:
    kind = response.request.resource_type
    if kind in {"document", "script", "stylesheet"}:
        return kind
    return "other"


def run(only: list[str] | None = None, database: str = "kasane_bench_pages") -> dict[str, Any]:
    """Start the server and measure (``only``: these main pages)."""
    from kasane.core.live_server import in_own_thread

    with serve(users=5, workers=1, database=database) as server:  # Playwright sync on its own
        return dict(in_own_thread(lambda: measure(server, only)))  # thread (no loop met)


def measure(server: Server, only: list[str] | None = None) -> dict[str, Any]:
    """Load every main page in Chromium; sizes per page and the external requests."""
    from playwright.sync_api import sync_playwright

    me = next(u for u in server.prep["users"] if u["username"] == LOGIN)
    external: list[str] = []
    pages: dict[str, dict[str, float]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
            "--disable-sync"])
        try:
            for name, path in main_pages(server).items():
                if only is None or name in only:
                    pages[name] = _load(browser, server, me, path, external)
        finally:
            browser.close()
    return {"pages": pages, "external": external}


def _load(browser: Any, server: Server, me: dict[str, Any], path: str,
          external: list[str]) -> dict[str, float]:
    """One page in a fresh context (cold cache): gzipped bytes by kind."""
    ctx = browser.new_context(base_url=server.url, locale="ja-JP", timezone_id="Asia/Tokyo")
    ctx.set_extra_http_headers({"X-Forwarded-Proto": "https"})
    ctx.add_cookies([{"name": server.prep["session_cookie"], "value": me["session"],
                      "url": server.url}])

    def route(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith("data:") or host == "127.0.0.1":
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    ctx.route("**/*", route)
    sizes = {"document": 0.0, "script": 0.0, "stylesheet": 0.0, "other": 0.0}
    responses: list[Any] = []
    page = ctx.new_page()
    page.on("response", lambda response: responses.append(response))
    try:
        # "load": every linked file is in (an open event stream never lets "networkidle" come)
        main = page.goto(path, wait_until="load", timeout=60000)
        page.wait_for_timeout(300)
        if main is None or main.status != 200 or "/accounts/" in page.url:
            raise RuntimeError(f"{path}: {main.status if main else '—'} {page.url}")
        for response in responses:
            kind = _kind(response)
            if kind == "other":  # images, fonts (as sent); the event stream's body never ends
                sizes[kind] += float(response.headers.get("content-length") or 0)
                continue
            try:
                body = response.body()
            except Exception:  # noqa: BLE001 - a redirect or aborted request has no body
                continue
            sizes[kind] += len(gzip.compress(body, 9))
    finally:
        ctx.close()
    return {k: round(v / 1024, 1) for k, v in sizes.items()}


def main(argv: list[str]) -> int:
    args = parse_args(argv, description="主な画面の転送量（gzip 後の HTML・JS・CSS）と外部への要求数")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        print(f"Chromium が見つかりません（{CHROMIUM}）。", file=sys.stderr)
        return 2
    try:
        figures = run()
    except Exception as exc:  # no PostgreSQL, the server did not start …
        print(f"ベンチマークを実行できません（{exc}）", file=sys.stderr)
        return 2
    load = round(os.getloadavg()[0], 1)
    pages = figures["pages"]
    asset_kb = {n: round(p["script"] + p["stylesheet"], 1) for n, p in pages.items()}
    total_kb = {n: round(p["document"] + asset_kb[n], 1) for n, p in pages.items()}
    max_kb = max(asset_kb.values())
    if args.json:
        for name, p in pages.items():
            emit(BENCH, f"kb.{name}", total_kb[name], "KB", None,
                 {"html_kb": p["document"], "js_kb": p["script"], "css_kb": p["stylesheet"],
                  "load_avg": load})
        emit(BENCH, "max_kb", max_kb, "KB", None,
             {"page": max(asset_kb, key=lambda n: asset_kb[n]), "goal": 100, "load_avg": load})
        emit(BENCH, "external_requests", len(figures["external"]), "count", None,
             {"load_avg": load})
    else:
        print_table(["page", "HTML KB", "JS KB", "CSS KB", "total KB"],
                    [(n, p["document"], p["script"], p["stylesheet"], total_kb[n])
                     for n, p in pages.items()])
        print(f"max_kb (JS+CSS) {max_kb}  external_requests {len(figures['external'])}  "
              f"load average {load}")
    for url in figures["external"][:10]:
        print(f"外部への要求: {url}", file=sys.stderr)
    return 0
