"""The 「緊急案件」 panel notify adds to the case page (``core.panels`` page ``cases.case``):
a link to raise an alert about the case, shown only to those who may raise alerts, and the
case's open alerts they may see."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from kasane.cases.tests.factories import setup_case
from kasane.notify import panels
from kasane.notify.models import Alert

pytestmark = pytest.mark.django_db


def test_the_case_page_offers_to_raise_an_alert(city, client) -> None:
    s = setup_case(city)
    client.force_login(city.coordinator)
    page = client.get(f"/cases/{s.case.pk}/").content.decode()
    assert 'data-testid="case-alerts"' in page and "緊急案件を発信" in page
    assert f"/alerts/new/?case={s.case.pk}" in page
    r = client.post(f"/alerts/new/?case={s.case.pk}", {
        "urgency": "today", "summary": "連絡が取れない", "needed": "訪問", "to_rota": "on"})
    assert r.status_code == 302
    alert = Alert.objects.get()
    assert alert.case_id == s.case.pk
    page = client.get(f"/cases/{s.case.pk}/").content.decode()
    assert f"/alerts/{alert.pk}/" in page and "緊急案件（即日）" in page


def test_the_panel_is_empty_for_those_who_may_not_raise_alerts(city) -> None:
    s = setup_case(city)
    request = RequestFactory().get(f"/cases/{s.case.pk}/")
    for user in (city.auditor, city.admin):
        request.user = user
        request.membership = user.memberships.first()
        assert panels.case_alerts(request, s.case) == ""
    request.user = city.coordinator
    request.membership = city.coordinator.memberships.first()
    assert "緊急案件を発信" in panels.case_alerts(request, s.case)
    assert panels.case_alerts(SimpleNamespace(user=None, membership=None), s.case) == ""
