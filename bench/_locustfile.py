"""Locust users of ``./kasane bench web|soak`` (run by locust in its own process).

The JSON file named by ``KASANE_BENCH_WEB_CONFIG`` says ``host``, ``mix`` ("pages": the
realistic mix; "bare": only the baseline view ``/bench/bare``; "floor": only
``/bench/signed-in``, what every signed-in page pays), ``rate`` (tasks per second per
user, 0 = no wait), the signed-in sessions (``users``, made by bench._webprep) and the search
words. Each locust user takes the next session; every request carries ``X-Forwarded-Proto:
https`` (the load balancer terminates TLS; the production cookies are Secure, so they are sent
by hand). A POST carries the CSRF secret as cookie and field, and ``Origin``.

The mix (weights per task; one task is one page, the two writing tasks are two):
home inbox 3, person search 3, case page 3, add contact 1 (its form, then POST), submit sheet 1
(its form, then POST with a fresh form key). Request names: home, search, case, contact_form,
add_contact, sheet_form, submit_sheet, bare.

Each submitted つなぐシート names the next person of a generated register (``bench.persons``:
varied names, kana as people type them, addresses and phones, about one in nine a second,
noisy record of someone named before), so every submit registers a person and 名寄せ scores
them against the few who share a key — as at a real window. (Until the eleventh session every
submit named the same 弁知 太郎: by the end of a run each submit scored ~300 identical earlier
copies and queued a candidate with each, a stress case of its own.)
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import random
import secrets
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from locust import FastHttpUser, constant, constant_throughput, task

from bench import persons
from bench._forms import form_fields

CONFIG: dict[str, Any] = json.loads(
    Path(os.environ["KASANE_BENCH_WEB_CONFIG"]).read_text(encoding="utf-8"))
_next_user = itertools.count()
# bench/web.py's REQUESTS_PER_TASK follows from these weights (the writing tasks are 2 requests)
WEIGHTS = {"home": 3, "search": 3, "case": 3, "add_contact": 1, "submit_sheet": 1}
_next_person = itertools.count()


@functools.cache
def _persons() -> list[Any]:
    """The persons the submitted sheets name, taken in turn by every load user of this
    process; generated at the first submit (~0.4 s), not in phases that never submit."""
    return persons.generate(4000, seed=7).records


def person_fields(record: Any) -> dict[str, str]:
    """A sheet's person block filled from one generated record (empty parts left to FILL)."""
    values = {"person.family_name": record.family_name, "person.given_name": record.given_name,
              "person.family_name_kana": record.family_kana,
              "person.given_name_kana": record.given_kana,
              "person.address": record.address, "person.phone": record.phone}
    return {k: v for k, v in values.items() if v}


class _Session:
    """One signed-in load user's cookies and headers."""

    def __init__(self, host: str, me: dict[str, Any]) -> None:
        self.me = me
        self.csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret
        cookie = (f"{CONFIG['session_cookie']}={me['session']}; "
                  f"{CONFIG['csrf_cookie']}={self.csrf}")
        origin = "https://" + host.split("://", 1)[1]
        self.get = {"X-Forwarded-Proto": "https", "Cookie": cookie, "Accept-Encoding": "gzip"}
        self.post = {**self.get, "Origin": origin,
                     "Content-Type": "application/x-www-form-urlencoded"}


class KasaneUser(FastHttpUser):
    host = CONFIG["host"]
    wait_time = constant_throughput(CONFIG["rate"]) if CONFIG["rate"] else constant(0)

    def on_start(self) -> None:
        users = CONFIG["users"]
        self.s = _Session(self.host, users[next(_next_user) % len(users)]) if users else None
        self.forms: dict[str, list[tuple[str, str]]] = {}

    # -- the mix ------------------------------------------------------------------------

    def _page(self, path: str, name: str) -> str:
        assert self.s is not None
        with self.client.get(path, headers=self.s.get, name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location')}")
                return ""
            return response.text or ""

    def _post(self, path: str, name: str, fields: list[tuple[str, str]]) -> None:
        assert self.s is not None
        body = urlencode(fields)  # FastHttpUser takes a dict or a string, not repeated keys
        with self.client.post(path, data=body, headers=self.s.post, name=name,
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:  # 200 = the form came back with errors
                response.failure(f"{response.status_code}: not saved")

    def _fields(self, key: str, html: str, marker: str) -> list[tuple[str, str]]:
        assert self.s is not None
        if key not in self.forms and html:
            self.forms[key] = [(k, self.s.csrf if k == "csrfmiddlewaretoken" else v)
                               for k, v in form_fields(html, marker)]
        return self.forms.get(key, [])

    def home(self) -> None:
        self._page("/", "home")

    def search(self) -> None:
        q = random.choice(CONFIG["queries"])  # noqa: S311 - load, not security
        self._page(f"/people/?q={quote(q)}", "search")

    def case(self) -> None:
        assert self.s is not None
        if self.s.me["cases"]:
            self._page(f"/cases/{random.choice(self.s.me['cases'])}/", "case")  # noqa: S311
        else:
            self.home()

    def add_contact(self) -> None:
        assert self.s is not None
        if not self.s.me["contact_cases"]:
            return self.case()
        path = f"/cases/{random.choice(self.s.me['contact_cases'])}/contacts/new/"  # noqa: S311
        fields = self._fields(path, self._page(path, "contact_form"), "summary")
        if fields:
            self._post(path, "add_contact", fields)
        return None

    def submit_sheet(self) -> None:
        assert self.s is not None
        path = f"/sheets/new/{self.s.me['sheet_code']}/"
        fields = self._fields("sheet", self._page(path, "sheet_form"), "_form_key")
        if fields:
            register = _persons()
            named = person_fields(register[next(_next_person) % len(register)])
            fresh = [(k, uuid.uuid4().hex if k == "_form_key" else named.get(k, v))
                     for k, v in fields]
            self._post(path, "submit_sheet", [*fresh, ("_action", "submit")])

    @task
    def one(self) -> None:
        """One task of the configured mix."""
        if CONFIG["mix"] == "bare":
            self.client.get("/bench/bare", headers={"X-Forwarded-Proto": "https"}, name="bare")
            return
        if CONFIG["mix"] == "floor":
            self._page("/bench/signed-in", "floor")
            return
        name = random.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]  # noqa: S311
        getattr(self, name)()
