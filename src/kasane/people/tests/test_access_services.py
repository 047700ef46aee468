import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kasane.access import policy, services
from kasane.access.models import Grant
from kasane.audit.models import AccessLog, ChangeRecord
from kasane.people.tests.factories import actor, make_person

pytestmark = pytest.mark.django_db

REASON = "訪問時に応答がなく、安否確認のため連絡先を確認"


def test_it_creates_a_grant_with_a_change_record(city) -> None:
    person = make_person(city.recorder)
    grant = services.grant_create(actor=actor(city.recorder), person=person, basis="case_involvement",
                                  organization=city.orgs["shakyo"], source_type="referral",
                                  source_id=7)
    assert grant.scope == "all" and grant.source_id == "7"
    assert ChangeRecord.objects.filter(model="access.Grant", object_id=str(grant.pk)).exists()
    assert policy.person_basis(actor(city.outsider), person.pk) == "case_involvement"


def test_it_refuses_a_grant_for_another_tenants_org(city) -> None:
    person = make_person(city.recorder)
    with pytest.raises(ValidationError) as exc:
        services.grant_create(actor=actor(city.recorder), person=person, basis="consent",
                              organization=city.other_org)
    assert "organization" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.grant_create(actor=actor(city.recorder), person=person, basis="denied",
                              organization=city.orgs["shakyo"])
    assert not Grant.objects.exists()


def test_it_ends_grants_of_one_source(city) -> None:
    person = make_person(city.recorder)
    for org in ("shakyo", "houkatsu"):
        services.grant_create(actor=actor(city.recorder), person=person, basis="support_meeting",
                              organization=city.orgs[org], source_type="meeting", source_id=3)
    assert services.grants_end_for_source(actor=actor(city.recorder), source_type="meeting",
                                          source_id=3, reason="検討期間の終了") == 2
    assert policy.person_basis(actor(city.partner), person.pk) is None


def test_it_requires_a_reason_for_emergency_access(city) -> None:
    person = make_person(city.recorder)
    with pytest.raises(ValidationError) as exc:
        services.emergency_access_request(actor=actor(city.outsider), person_id=person.pk,
                                          reason="急ぎ", hours=24)
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.emergency_access_request(actor=actor(city.outsider), person_id=person.pk,
                                          reason=REASON, hours=500)
    assert not Grant.objects.exists()


def test_it_refuses_emergency_access_to_non_case_roles_and_unknown_ids(city) -> None:
    person = make_person(city.recorder)
    with pytest.raises(PermissionDenied):
        services.emergency_access_request(actor=actor(city.admin), person_id=person.pk, reason=REASON)
    with pytest.raises(Http404):
        services.emergency_access_request(actor=actor(city.outsider), person_id=999999, reason=REASON)
    assert AccessLog.objects.filter(basis="denied").count() == 2


def test_it_lets_a_coordinator_review_and_end_an_inappropriate_access(city) -> None:
    person = make_person(city.recorder)
    review = services.emergency_access_request(actor=actor(city.outsider), person_id=person.pk,
                                               reason=REASON, hours=4)
    assert review.grant.valid_until - review.grant.valid_from == dt.timedelta(hours=4)
    with pytest.raises(PermissionDenied):
        services.emergency_review(actor=actor(city.partner), review=review, outcome="appropriate")
    with pytest.raises(ValidationError) as exc:
        services.emergency_review(actor=actor(city.coordinator), review=review,
                                  outcome="inappropriate")
    assert "note" in exc.value.message_dict
    services.emergency_review(actor=actor(city.coordinator), review=review,
                              outcome="inappropriate", note="緊急性が認められない")
    review.refresh_from_db()
    assert review.reviewed_by == city.coordinator and review.grant.ended_at is not None
    assert policy.person_basis(actor(city.outsider), person.pk) is None
    with pytest.raises(ValidationError):
        services.emergency_review(actor=actor(city.coordinator), review=review, outcome="appropriate")


def test_it_refuses_a_coordinator_reviewing_their_own_request(city) -> None:
    from kasane.accounts.models import Membership, Role

    Membership.objects.create(user=city.coordinator, organization=city.orgs["shakyo"],
                              role=Role.CASEWORKER)
    person = make_person(city.recorder)
    review = services.emergency_access_request(actor=actor(city.coordinator), person_id=person.pk,
                                               reason=REASON)
    with pytest.raises(PermissionDenied):
        services.emergency_review(actor=actor(city.coordinator), review=review, outcome="appropriate")


def test_it_refuses_emergency_access_when_a_basis_exists(city) -> None:
    person = make_person(city.recorder)
    with pytest.raises(ValidationError):
        services.emergency_access_request(actor=actor(city.recorder), person_id=person.pk,
                                          reason=REASON)


def test_it_ignores_grants_outside_their_window(city) -> None:
    person = make_person(city.recorder)
    now = timezone.now()
    services.grant_create(actor=actor(city.recorder), person=person, basis="consent",
                          organization=city.orgs["houkatsu"], valid_from=now + dt.timedelta(days=1))
    assert policy.person_basis(actor(city.partner), person.pk) is None
    assert policy.person_basis(actor(city.partner), person.pk,
                               at=now + dt.timedelta(days=2)) == "consent"
