"""Loads the whole demo city, app by app in dependency order (each loader is idempotent)."""

from __future__ import annotations

from django.db import transaction

from kasane.accounts import demo as accounts_demo
from kasane.areas import demo as areas_demo
from kasane.audit.context import request_context
from kasane.cases import demo as cases_demo
from kasane.community import demo as community_demo
from kasane.meetings import demo as meetings_demo
from kasane.notify import demo as notify_demo
from kasane.participation import demo as participation_demo
from kasane.pdca import demo as pdca_demo
from kasane.people import demo as people_demo
from kasane.resources import demo as resources_demo
from kasane.sheets import demo as sheets_demo
from kasane.stats import demo as stats_demo

DEMO_LOGINS = [(login.username, login.label) for login in accounts_demo.LOGINS]

# Each app's ``load(data: dict) -> None`` in dependency order; ``data`` starts as what
# accounts_demo.load() returns and each loader may add its own keys for the next ones.
LOADERS = [people_demo.load, sheets_demo.load, cases_demo.load, meetings_demo.load,
           pdca_demo.load]
LOADERS.append(notify_demo.load)  # 緊急案件, 当番, notification settings
LOADERS += [areas_demo.load, resources_demo.load]  # 圏域 + address table; the directory
LOADERS.append(participation_demo.load)  # after resources: 人材バンク, matches in every stage
LOADERS.append(community_demo.load)  # 地域課題, committees, activities, 拠点, 見守り
LOADERS.append(stats_demo.load)  # a full 令和7年度 of made-up volume for the dashboards


def load_demo() -> dict[str, object]:
    with request_context(), transaction.atomic():
        data = accounts_demo.load()
        for load in LOADERS:
            load(data)
    return data
