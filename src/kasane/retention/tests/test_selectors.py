"""The 保存期間と廃棄 screen's lists: active legal holds and recent purge runs, per tenant."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from kasane.retention import selectors, services
from kasane.retention.models import LegalHold, PurgeRun
from kasane.retention.tests.factories import closed_case, membership

pytestmark = pytest.mark.django_db


def test_active_holds_leave_out_released_ones_and_other_tenants(city) -> None:
    s = closed_case(city)
    manager = membership(city.secretariat)
    kept = services.legal_hold_set(actor=manager, reason="訴訟への対応のため", case_id=s.case.pk)
    gone = services.legal_hold_set(actor=manager, reason="照会への対応のため", person_id=s.person.pk)
    services.legal_hold_release(actor=manager, hold_id=gone.pk, reason="照会が終わったため")
    LegalHold.objects.create(municipality=city.other, reason="他区", created_by=city.other_admin,
                             case=s.case)  # a row of another tenant (made up)
    assert list(selectors.active_holds(municipality=city.municipality)) == [kept]


def test_recent_runs_are_the_tenants_newest_first_and_limited(city) -> None:
    today = timezone.localdate()
    runs = [PurgeRun.objects.create(municipality=city.municipality, as_of=today)
            for _ in range(3)]
    PurgeRun.objects.create(municipality=city.other, as_of=today)
    assert selectors.recent_runs(municipality=city.municipality) == runs[::-1]
    assert selectors.recent_runs(municipality=city.municipality, limit=2) == runs[:0:-1]


def test_the_retention_views_read_through_selectors() -> None:
    source = (Path(__file__).parents[1] / "views.py").read_text(encoding="utf-8")
    assert ".objects." not in source
