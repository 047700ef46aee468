"""GET /api/v1/metrics/{code}?from=…&to=… (issue 19 contract) over the hand-made records of
``world.py``: custom periods, months, filters, suppression for 委員, errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kasane.accounts.models import Membership, Role, User
from kasane.core import metrics
from kasane.core.metrics import Period

from . import world

pytestmark = pytest.mark.django_db


def _committee(city):
    user = User.objects.create_user(username="iin", password="x-correct-horse",
                                    municipality=city.municipality, display_name="委員")
    Membership.objects.create(user=user, organization=city.orgs["city"], role=Role.COMMITTEE)
    return user


def test_a_custom_period_counts_records_dated_inside_it(city, client):
    world.build(city)
    client.force_login(city.secretariat)
    body = client.get("/api/v1/metrics/contacts.count?from=2024-05-01&to=2024-05-31").json()
    assert body["code"] == "contacts.count" and body["value"] == 3  # K1, K6, K7
    body = client.get("/api/v1/metrics/cases.opened?from=2024-04-01&to=2024-04-01").json()
    assert body["value"] == 1  # C2, opened 00:05 on 1 April


def test_a_month_and_filters(city):
    world.build(city)
    muni = city.municipality
    may = Period.month(2024, 5)
    assert metrics.get("contacts.count").compute_period(muni, may, reached="no") == 1  # K7
    year = Period.fiscal(2024)
    # A (born 1950-06-01) is 74 on 31 March 2025; C (born 2010) is 15
    opened = metrics.get("cases.opened")
    assert opened.compute_period(muni, year, tag="comprehensive", age_band="65-74") == 1
    assert opened.compute_period(muni, year, tag="comprehensive", age_band="0-17") == 1
    assert opened.compute_period(muni, year, tag="comprehensive", age_band="18-39") == 0
    assert opened.compute_period(muni, year, organization=city.orgs["shakyo"].pk) == 0
    figure = metrics.evaluate_period("cases.opened", municipality=muni, period=year,
                                     age_band="100-")
    assert not figure.ok and "年齢層" in figure.reason


def test_a_year_only_metric_gives_a_reason_for_a_month(city):
    figure = metrics.evaluate_period("pdca.targets.count", municipality=city.municipality,
                                     period=Period.month(2024, 5))
    assert figure.reason == "この指標は年度単位でだけ算出できます。"


def test_errors_and_roles(city, client):
    client.force_login(city.secretariat)
    assert client.get("/api/v1/metrics/no.such").status_code == 404
    half = client.get("/api/v1/metrics/cases.opened?from=2024-04-01")
    assert half.status_code == 422 and "from と to" in half.json()["detail"]
    backwards = client.get("/api/v1/metrics/cases.opened?from=2024-04-02&to=2024-04-01")
    assert backwards.status_code == 422
    client.force_login(city.recorder)
    assert client.get("/api/v1/metrics/cases.opened").status_code == 403


def test_a_committee_member_never_sees_a_count_below_the_threshold(city, client):
    world.build(city)
    client.force_login(_committee(city))
    one = client.get("/api/v1/metrics/contacts.count?from=2024-05-01&to=2024-05-10").json()
    assert one["value"] is None and one["suppressed"] is True  # K1, K6, K7 (3 contacts)
    zero = client.get("/api/v1/metrics/contacts.count?from=2020-05-01&to=2020-05-10").json()
    assert zero["value"] == 0 and zero["suppressed"] is False
    client.force_login(city.secretariat)
    inside = client.get("/api/v1/metrics/contacts.count?from=2024-05-01&to=2024-05-10").json()
    assert inside["value"] == 3 and inside["suppressed"] is False


def test_coordinators_as_of_31_march_follow_membership_history(city):
    from kasane.accounts import services as account_services

    world.build(city)
    muni = city.municipality
    coordinators = metrics.get("staff.coordinators")
    assert coordinators.compute_period(muni, Period.fiscal(2024)) == 2
    assert coordinators.compute_period(muni, Period.fiscal(2023)) == 1  # X only (from 2024-01-01)
    x = Membership.objects.filter(user__username="X", organization=city.orgs["city"]).get()
    account_services.membership_end(actor=city.admin, membership=x)
    today = timezone.localdate()
    assert x.periods.get().ended_on == today - dt.timedelta(days=1)
    # X still held the role through the other org; the past year is unchanged
    assert coordinators.compute_period(muni, Period.fiscal(2024)) == 2
