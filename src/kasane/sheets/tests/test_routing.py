"""つなぐシートの振り分け: a named coordinator per sending organization (fallback: every
coordinator), the inbox ordered by urgency (即日 first, flagged), the rules' screen for
管理者・事務局; and the 9マス sheet's 3×3 grid on the record page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kasane.accounts.models import Membership, Role, User
from kasane.audit.models import ChangeRecord
from kasane.sheets import routing, selectors, services
from kasane.sheets.models import LiaisonRoute

from .factories import actor

LIAISON = {"consent_given": False, "concern": "気になる", "contact_preference": "phone",
           "urgency": "normal"}


@pytest.fixture
def second(city):
    user = User.objects.create_user(username="coordinator2", password=city.password,
                                    municipality=city.municipality, display_name="推進員二")
    Membership.objects.create(user=user, organization=city.orgs["city"], role=Role.COORDINATOR)
    return user


def send(city, **answers):
    return services.record_create(actor=actor(city.liaison), code="liaison",
                                  answers={**LIAISON, **answers}, submit=True)


def inbox(user) -> list[int]:
    return [r.pk for r in selectors.liaison_inbox(actor=actor(user))]


def test_without_a_rule_every_coordinator_receives_it(city, second) -> None:
    record = send(city)
    assert record.assigned_to_id is None
    assert inbox(city.coordinator) == inbox(second) == [record.pk]


def test_a_rule_names_the_coordinator_of_the_sending_organization(city, second) -> None:
    routing.route_set(actor=actor(city.admin), sending_org_id=city.orgs["library"].pk,
                      coordinator_id=second.pk)
    record = send(city)
    assert record.assigned_to_id == second.pk
    assert inbox(second) == [record.pk] and inbox(city.coordinator) == []
    # still visible to every coordinator (the fallback is about the inbox, not about access)
    assert selectors.policy.visible_records(actor(city.coordinator)).filter(pk=record.pk).exists()


def test_a_rule_naming_someone_no_longer_a_coordinator_falls_back(city, second) -> None:
    routing.route_set(actor=actor(city.admin), sending_org_id=city.orgs["library"].pk,
                      coordinator_id=second.pk)
    Membership.objects.filter(user=second).update(is_active=False)
    assert send(city).assigned_to_id is None


def test_the_inbox_lists_same_day_sheets_first_flagged(city, client) -> None:
    normal = send(city)
    urgent = send(city, urgency="urgent")
    later = send(city, urgency="soon")
    assert (urgent.urgent, normal.urgent, later.urgent) == (True, False, False)
    assert inbox(city.coordinator) == [urgent.pk, later.pk, normal.pk]
    client.force_login(city.coordinator)
    home = client.get("/").content.decode()
    assert "【即日】" in home and home.index(f"/sheets/records/{urgent.pk}/") < home.index(
        f"/sheets/records/{normal.pk}/")
    page = client.get(f"/sheets/records/{urgent.pk}/").content.decode()
    assert 'data-testid="urgent"' in page and "推進員全員" in page


def test_rules_are_checked_and_kept_in_the_history(city, second) -> None:
    admin = actor(city.admin)
    with pytest.raises(ValidationError) as exc:
        routing.route_set(actor=admin, sending_org_id=city.other_org.pk,
                          coordinator_id=city.recorder.pk)
    assert set(exc.value.message_dict) == {"sending_org", "coordinator"}
    route = routing.route_set(actor=admin, sending_org_id=city.orgs["library"].pk,
                              coordinator_id=second.pk)
    routing.route_set(actor=admin, sending_org_id=city.orgs["library"].pk,
                      coordinator_id=city.coordinator.pk)
    assert LiaisonRoute.objects.get().coordinator_id == city.coordinator.pk
    routing.route_delete(actor=admin, route_id=route.pk)
    assert not LiaisonRoute.objects.exists()
    assert ChangeRecord.objects.filter(model="sheets.LiaisonRoute").count() == 3
    for user in (city.coordinator, city.recorder, city.liaison, city.auditor):
        with pytest.raises(PermissionDenied):
            routing.route_set(actor=actor(user), sending_org_id=city.orgs["library"].pk,
                              coordinator_id=second.pk)


def test_the_routing_screen(city, second, client) -> None:
    client.force_login(city.secretariat)
    assert client.get("/sheets/routing/").status_code == 200
    r = client.post("/sheets/routing/", {"sending_org": "", "coordinator": ""})
    assert r.status_code == 400 and "選んでください" in r.content.decode()
    r = client.post("/sheets/routing/", {"sending_org": city.orgs["library"].pk,
                                         "coordinator": second.pk})
    assert r.status_code == 302
    page = client.get("/sheets/routing/").content.decode()
    assert "図書館" in page and "推進員二" in page
    route = LiaisonRoute.objects.get()
    assert client.post(f"/sheets/routing/{route.pk}/delete/").status_code == 302
    assert not LiaisonRoute.objects.exists()
    client.force_login(city.coordinator)
    assert client.get("/sheets/routing/").status_code == 403


def test_the_nine_grid_record_page_shows_the_3x3_grid(city, client) -> None:
    record = services.record_create(actor=actor(city.recorder), code="nine_grid", submit=True,
                                    answers={"center": "買い物に行けない", "cell_1": "几帳面",
                                             "cell_4": "老人クラブ", "cell_8": "散歩"})
    client.force_login(city.recorder)
    page = client.get(f"/sheets/records/{record.pk}/").content.decode()
    assert 'data-testid="nine-grid-page"' in page
    grid = page[page.index('data-testid="nine-grid-page"'):]
    # row 1: cell 1–3, row 2: cell 8, centre, cell 4 (the PDF's layout)
    order = [grid.index(t) for t in ("几帳面", "散歩", "買い物に行けない", "老人クラブ")]
    assert order == sorted(order)
    client.force_login(city.liaison)
    other = send(city)  # any other sheet: no grid
    assert 'data-testid="nine-grid-page"' not in client.get(
        f"/sheets/records/{other.pk}/").content.decode()
