"""Every page's <title> reads 「‹ページ名› | Kasane 重ね」 and never holds a person's name (the
title lands in the browser history and in the tab bar of a shared screen).

The demo city is crawled as several roles: every same-site link of the pages reached from
home (two levels deep), so person, case, sheet, meeting and 名寄せ pages are all visited.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape

import pytest
from django.conf import settings

from kasane.people.models import Person
from kasane.web.demo import load_demo

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
HREF = re.compile(r"""href="(/[^"#]*)""")
SKIP = re.compile(r"(logout|\.pdf|pdf/$|\.csv|\.xlsx|format=|/download|/file|/static/|/events/)")
USERS = ("suishin", "csw", "renrakuin", "jimukyoku", "kansa", "admin", "tantou_kyousei")
PAGES_PER_USER = 45


def _title(html: str) -> str:
    found = TITLE.search(html)
    assert found, "no <title>"
    return unescape(found.group(1)).strip()


def _names() -> set[str]:
    names = set()
    for p in Person.objects.all():
        names |= {p.family_name + p.given_name, f"{p.family_name}\u3000{p.given_name}",
                  f"{p.family_name} {p.given_name}", p.family_name_kana + p.given_name_kana}
        if len(p.family_name) >= 2:
            names.add(p.family_name)
    return {n for n in names if n.strip()}


def _crawl(client, start: str = "/") -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = deque([(start, 0)])
    while queue and len(seen) < PAGES_PER_USER:
        url, depth = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            seen[url] = ""
            continue
        html = response.content.decode()
        seen[url] = _title(html)
        if depth < 2:
            for href in HREF.findall(html):
                href = unescape(href)
                if not SKIP.search(href) and href not in seen:
                    queue.append((href, depth + 1))
    return {url: title for url, title in seen.items() if title}


@pytest.mark.django_db
def test_it_titles_every_page_with_its_name_and_the_site_and_no_person(client) -> None:
    load_demo()
    names = _names()
    suffix = f" | {settings.SITE_NAME}"
    assert _title(client.get("/accounts/login/").content.decode()) == f"ログイン{suffix}"
    visited: dict[str, str] = {}
    for username in USERS:
        assert client.login(username=username, password="kasane-demo")
        visited.update({f"{username} {url}": title for url, title in _crawl(client).items()})
        client.logout()
    assert len(visited) > 150
    urls = {key.split(" ", 1)[1] for key in visited}
    assert any(re.match(r"^/people/\d+/$", url) for url in urls)  # a person page was seen
    assert any(re.match(r"^/cases/\d+/$", url) for url in urls)
    for url, title in visited.items():
        assert title.endswith(suffix), (url, title)
        page = title.removesuffix(suffix)
        assert page and " | " not in page, (url, title)
        leaked = [n for n in names if n in title]
        assert not leaked, (url, title, leaked)
    assert visited["suishin /"] == f"ホーム{suffix}"

