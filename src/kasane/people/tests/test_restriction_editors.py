"""Who may change a 閲覧制限's named users (issue 22 finding 3): only the users named on it;
a colleague of the recording organization cannot name themselves and unmask the person."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kasane.accounts.models import Membership, Role, User
from kasane.people import services
from kasane.people.tests.factories import actor, make_person


def _staff(city, name, role=Role.CASEWORKER):
    user = User.objects.create_user(username=name, password="x", municipality=city.municipality)
    Membership.objects.create(user=user, organization=city.orgs["shougai"], role=role)
    return user


@pytest.fixture
def restricted(city):
    person = make_person(city.recorder)
    services.person_restriction_set(actor=actor(city.recorder), person=person, kind="dv",
                                    user_ids=[city.recorder.pk], note="避難中")
    return person


def _named(person):
    return set(person.restriction_users.values_list("username", flat=True))


@pytest.mark.django_db
def test_a_colleague_of_the_recording_org_cannot_name_themselves(city, client, restricted) -> None:
    colleague = _staff(city, "colleague")
    with pytest.raises(PermissionDenied):
        services.person_restriction_set(actor=actor(colleague), person=restricted, kind="dv",
                                        user_ids=[city.recorder.pk, colleague.pk])
    with pytest.raises(PermissionDenied):  # nor clear it
        services.person_restriction_set(actor=actor(colleague), person=restricted, kind="",
                                        user_ids=[])
    client.force_login(colleague)
    response = client.post(reverse("people:restriction", args=[restricted.pk]),
                           {"restriction": "dv", "restriction_users": [str(colleague.pk)]})
    assert response.status_code == 400 and "指定された利用者だけ" in response.content.decode()
    restricted.refresh_from_db()
    assert _named(restricted) == {"recorder"} and restricted.restriction == "dv"


@pytest.mark.django_db
def test_a_named_user_may_name_a_colleague(city, restricted) -> None:
    colleague = _staff(city, "colleague")
    services.person_restriction_set(actor=actor(city.recorder), person=restricted, kind="dv",
                                    user_ids=[city.recorder.pk, colleague.pk])
    assert _named(restricted) == {"recorder", "colleague"}


@pytest.mark.django_db
def test_when_no_named_user_is_left_a_coordinator_renames_others_with_a_reason(city, restricted) -> None:
    Membership.objects.filter(user=city.recorder).update(is_active=False)
    colleague = _staff(city, "colleague")
    coordinator = _staff(city, "shougai_coord", Role.COORDINATOR)
    with pytest.raises(PermissionDenied):  # a caseworker still cannot
        services.person_restriction_set(actor=actor(colleague), person=restricted, kind="dv",
                                        user_ids=[colleague.pk])
    with pytest.raises(PermissionDenied):  # never themselves
        services.person_restriction_set(actor=actor(coordinator), person=restricted, kind="dv",
                                        user_ids=[coordinator.pk], reason="担当者の退職による引継ぎ")
    with pytest.raises(ValidationError):
        services.person_restriction_set(actor=actor(coordinator), person=restricted, kind="dv",
                                        user_ids=[colleague.pk])
    services.person_restriction_set(actor=actor(coordinator), person=restricted, kind="dv",
                                    user_ids=[colleague.pk], reason="担当者の退職による引継ぎ")
    assert _named(restricted) == {"colleague"}
