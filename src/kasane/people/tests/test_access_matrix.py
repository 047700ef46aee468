"""Acceptance matrix (issue 4): role × basis × action.

For each basis situation we assert, for every actor of the test city, whether the person is
visible (person_basis / visible_persons / require_person agree) and with which basis, and that
every allowed read and every denial is logged.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from kasane.access import policy, services
from kasane.access.models import EmergencyReview
from kasane.audit.models import AccessLog
from kasane.people import services as people_services
from kasane.people.presenters import MASK, person_view
from kasane.people.selectors import person_search
from kasane.people.tests.factories import actor, make_consent, make_person

pytestmark = pytest.mark.django_db

ACTORS = ["recorder", "partner", "outsider", "coordinator", "liaison", "secretariat", "auditor",
          "admin"]
ACTIONS = ["view", "search", "export", "edit", "consent.record"]


def _expect(city, person, expected: dict[str, str | None], *, action="view", purpose=None,
            at=None):
    for name in ACTORS:
        member = actor(getattr(city, name))
        got = policy.person_basis(member, person.pk, action=action, purpose=purpose, at=at)
        assert got == expected.get(name), (name, action, purpose, got)
        page = policy.persons_with_bases(member, [person.pk], action=action, purpose=purpose,
                                         at=at)  # the one-query variant search uses
        assert (page[person.pk][1] if page else None) == got, (name, action, purpose)
        if at is None and action == "view" and purpose is None:
            visible = policy.visible_persons(member).filter(pk=person.pk).exists()
            assert visible == (expected.get(name) is not None), name


def _check_require(city, person, name, basis):
    member = actor(getattr(city, name))
    before = AccessLog.objects.count()
    if basis is None:
        with pytest.raises(Http404):
            policy.require_person(member, person.pk)
        row = AccessLog.objects.order_by("-id").first()
        assert row.basis == "denied" and row.person_id == person.pk
    else:
        _, got = policy.require_person(member, person.pk)
        assert got == basis
        row = AccessLog.objects.order_by("-id").first()
        assert row.basis == basis and row.action == "person.view" and row.person_id == person.pk
    assert AccessLog.objects.count() == before + 1
    assert row.user_id == member.user_id and row.organization_id == member.organization_id


@pytest.mark.parametrize("action", ACTIONS)
def test_it_shows_a_person_without_grant_only_to_the_recording_org(city, action) -> None:
    person = make_person(city.recorder)
    _expect(city, person, {"recorder": "own_record"}, action=action)


def test_it_logs_every_allowed_read_and_every_denial(city) -> None:
    person = make_person(city.recorder)
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    for name, basis in [("recorder", "own_record"), ("partner", "consent"), ("outsider", None),
                        ("coordinator", None), ("auditor", None), ("admin", None),
                        ("liaison", None)]:
        _check_require(city, person, name, basis)


def test_it_denies_a_nonexistent_and_another_tenants_person_the_same_way(city) -> None:
    member = actor(city.recorder)
    with pytest.raises(Http404):
        policy.require_person(member, 999999)
    assert AccessLog.objects.order_by("-id").first().basis == "denied"


@pytest.mark.parametrize("action,partner_basis", [
    ("view", "consent"), ("search", "consent"), ("export", "consent"), ("edit", None),
    ("consent.record", "consent"),
])
def test_it_shows_a_consented_person_to_the_named_orgs_only(city, action, partner_basis) -> None:
    from kasane.access import services as access_services

    person = make_person(city.recorder)
    consent = make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    # a consent naming the library (recorded before the picker offered only agencies with case
    # staff) gives its liaison, who has no case role, still no person data.
    consent.organizations.add(city.orgs["library"])
    access_services.grant_create(actor=actor(city.recorder), person=person, basis="consent",
                                 organization=city.orgs["library"],
                                 purposes=["information_sharing"], source_type="consent",
                                 source_id=consent.pk)
    _expect(city, person, {"recorder": "own_record", "partner": partner_basis}, action=action)


def test_it_limits_a_consent_to_its_purposes(city) -> None:
    person = make_person(city.recorder)
    make_consent(city.recorder, person, [city.orgs["houkatsu"]], ["participation"])
    _expect(city, person, {"recorder": "own_record", "partner": "consent"}, purpose="participation")
    _expect(city, person, {"recorder": "own_record"}, purpose="multilayer_meeting")
    member = actor(city.partner)
    assert not policy.visible_persons(member, purpose="multilayer_meeting").filter(pk=person.pk).exists()
    assert policy.visible_persons(member, purpose="participation").filter(pk=person.pk).exists()


def test_it_hides_the_person_again_after_withdrawal(city) -> None:
    person = make_person(city.recorder)
    consent = make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    _check_require(city, person, "partner", "consent")
    people_services.consent_withdraw(actor=actor(city.recorder), consent=consent, reason="本人の申出")
    _expect(city, person, {"recorder": "own_record"})
    _check_require(city, person, "partner", None)
    assert person_search(actor(city.partner), "ヤマダ").items == []


def test_it_hides_the_person_again_when_the_consent_expires(city) -> None:
    person = make_person(city.recorder)
    today = timezone.localdate()
    make_consent(city.recorder, person, [city.orgs["houkatsu"]],
                 obtained_on=today - dt.timedelta(days=30), valid_until=today)
    _expect(city, person, {"recorder": "own_record", "partner": "consent"})
    tomorrow = timezone.now() + dt.timedelta(days=1, hours=1)
    _expect(city, person, {"recorder": "own_record"}, at=tomorrow)
    expired = make_person(city.recorder, family_name="期限", family_name_kana="キゲン")
    make_consent(city.recorder, expired, [city.orgs["houkatsu"]],
                 obtained_on=today - dt.timedelta(days=30), valid_until=today - dt.timedelta(days=1))
    _expect(city, expired, {"recorder": "own_record"})


def test_it_grants_emergency_access_until_expiry_and_queues_a_review(city) -> None:
    person = make_person(city.recorder)
    review = services.emergency_access_request(actor=actor(city.outsider), person_id=person.pk,
                                               reason="訪問時に応答がなく、安否確認のため", hours=24)
    assert EmergencyReview.objects.filter(pk=review.pk, reviewed_at__isnull=True).exists()
    _expect(city, person, {"recorder": "own_record", "outsider": "emergency"})
    _check_require(city, person, "outsider", "emergency")
    later = timezone.now() + dt.timedelta(hours=25)
    _expect(city, person, {"recorder": "own_record"}, at=later)
    # an emergency grant only lets the requester read: it never allows edits or consents
    assert policy.person_basis(actor(city.outsider), person.pk, action="edit") is None
    assert policy.person_basis(actor(city.outsider), person.pk, action="consent.record") is None


def test_it_masks_a_restricted_person_everywhere_but_for_named_users(city) -> None:
    person = make_person(city.recorder, family_name="制限", family_name_kana="セイゲン")
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    people_services.person_restriction_set(actor=actor(city.recorder), person=person, kind="dv",
                                           user_ids=[city.partner.pk])
    person.refresh_from_db()
    _expect(city, person, {"recorder": "own_record", "partner": "restriction_named"})
    recorder, partner = actor(city.recorder), actor(city.partner)
    assert policy.is_restricted_for(recorder, person)
    assert not policy.is_restricted_for(partner, person)
    shown = person_view(recorder, person)
    assert shown.address == shown.phone == MASK and shown.masked
    assert person_view(partner, person).address == "重ね市北町1-2-3"
    hit = person_search(recorder, "セイゲン").items[0]
    assert hit.address == MASK and hit.phone == MASK
    assert person_search(partner, "セイゲン").items[0].phone == "03-1234-5678"


def test_it_never_gives_person_data_to_other_tenants(city) -> None:
    person = make_person(city.recorder)
    from kasane.accounts.models import Membership

    other = Membership.objects.get(user=city.other_admin)
    assert policy.person_basis(other, person.pk) is None
    assert not policy.visible_persons(other).exists()


def test_it_refuses_an_inactive_membership(city) -> None:
    person = make_person(city.recorder)
    member = actor(city.recorder)
    member.is_active = False
    member.save()
    assert policy.person_basis(member, person.pk) is None


def test_it_answers_can_for_roles(city) -> None:
    person = make_person(city.recorder)
    assert policy.can(actor(city.recorder), "person.create")
    assert not policy.can(actor(city.admin), "person.create")
    assert policy.can(actor(city.coordinator), "emergency.review")
    assert not policy.can(actor(city.partner), "emergency.review")
    assert policy.can(actor(city.auditor), "disclosure.view", person)
    assert not policy.can(actor(city.coordinator), "disclosure.view", person)
    assert not policy.can(actor(city.partner), "disclosure.view", person)
    with pytest.raises(ValueError):
        policy.can(actor(city.recorder), "nonsense", person)
