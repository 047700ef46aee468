"""Who sees a proposal: the case side always; the place's organization only when the place is
linked to it and the person's participation consent names it (the consent's grant rows)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from kasane.audit.models import AccessLog, Basis
from kasane.notify.models import Notification
from kasane.participation import policy, selectors, services
from kasane.participation.models import AnswerVia, Stage
from kasane.people.services import consent_withdraw
from kasane.people.tests.factories import make_consent

from .factories import make_place, setup


def _shared(city: Any) -> Any:
    s = setup(city)
    s.host_place = make_place(city, "包括の居場所", org=city.orgs["houkatsu"])
    return s


def test_it_keeps_a_proposal_from_the_place_without_a_participation_consent(city: Any) -> None:
    s = _shared(city)  # the case's consent names houkatsu for information sharing only
    m = services.match_propose(actor=s.coord, case=s.case, person_id=s.person.pk,
                               place_id=s.host_place.pk)
    assert m.host_org_id is None and m.consent_id is None
    assert not selectors.proposals_to_answer(s.partner).exists()
    assert not Notification.objects.filter(kind="placement_proposed").exists()
    with pytest.raises(Http404):
        policy.require_match(s.partner, m.pk)
    assert AccessLog.objects.filter(action="participation.match.view", basis=Basis.DENIED,
                                    object_id=str(m.pk)).exists()


def test_it_shares_with_the_place_under_the_consent_and_lets_it_answer(city: Any) -> None:
    s = _shared(city)
    consent = make_consent(city.coordinator, s.person, [city.orgs["houkatsu"]],
                           purposes=["participation"])
    m = services.match_propose(actor=s.coord, case=s.case, person_id=s.person.pk,
                               place_id=s.host_place.pk)
    assert m.host_org_id == city.orgs["houkatsu"].pk and m.consent_id == consent.pk
    assert list(selectors.proposals_to_answer(s.partner)) == [m]
    sent = Notification.objects.get(user=city.partner, kind="placement_proposed")
    assert sent.title == "受入打診が届いた" and sent.url == f"/participation/matches/{m.pk}/"
    seen = policy.require_match(s.partner, m.pk)
    assert AccessLog.objects.filter(action="participation.match.view", basis=Basis.CONSENT,
                                    person_id=s.person.pk).exists()
    answered = services.match_answer(actor=s.partner, match=seen, answer="accepted",
                                     answer_on=timezone.localdate())
    assert answered.stage == Stage.ACCEPTED and answered.answer_via == AnswerVia.SYSTEM
    assert Notification.objects.filter(user=city.coordinator, kind="placement_answered").exists()
    with pytest.raises(PermissionDenied):  # the place answers; the case side starts
        services.match_start(actor=s.partner, match=answered, started_on=timezone.localdate())
    consent_withdraw(actor=s.coord, consent=consent, reason="本人の申し出により撤回")
    with pytest.raises(Http404):
        policy.require_match(s.partner, m.pk)


def test_it_shows_a_match_to_the_case_side_and_not_to_an_outsider(city: Any) -> None:
    s = setup(city)
    m = services.match_propose(actor=s.coord, case=s.case, person_id=s.person.pk,
                               place_id=s.place.pk)
    assert policy.require_match(s.coord, m.pk) == m
    with pytest.raises(Http404):
        policy.require_match(s.outsider, m.pk)
    assert not policy.can_answer(s.outsider, m)


def test_it_shows_volunteers_to_the_registering_org_and_coordinators_only(city: Any) -> None:
    s = setup(city)
    v = services.volunteer_save(actor=s.outsider, data={"name": "佐藤花子", "kind": "graduate",
                                                        "courses": "傾聴講座\n認知症サポーター"})
    assert v.courses == ["傾聴講座", "認知症サポーター"]
    assert policy.require_volunteer(s.outsider, v.pk) == v
    assert policy.require_volunteer(s.coord, v.pk) == v
    with pytest.raises(Http404):
        policy.require_volunteer(s.partner, v.pk)
    bases = set(AccessLog.objects.filter(action="participation.volunteer.view")
                .values_list("basis", flat=True))
    assert bases == {Basis.OWN_RECORD, Basis.CONSENT, Basis.DENIED}
