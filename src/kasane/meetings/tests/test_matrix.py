"""The legal core as a matrix: consent present/absent × meeting type × pledged/not ×
inside/after the review window. A 重層的支援会議 without consent refuses the case; otherwise an
attendee sees the case (and its person) only with a pledge and only inside the window."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kasane.access import policy
from kasane.audit.models import AccessLog
from kasane.cases import policy as case_policy
from kasane.people.tests.factories import actor

from .. import services
from ..models import CASE_TYPES, MeetingType
from .factories import make_body, make_case, make_meeting

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("inside", [True, False], ids=["inside", "after"])
@pytest.mark.parametrize("pledged", [True, False], ids=["pledged", "unpledged"])
@pytest.mark.parametrize("mtype", list(CASE_TYPES))
@pytest.mark.parametrize("consent", [True, False], ids=["consent", "no_consent"])
def test_matrix(city, consent, mtype, pledged, inside):
    body = make_body(city, mtype)
    meeting = make_meeting(city, body, attendees=("partner",))
    s = make_case(city, consent_orgs=("houkatsu",) if consent else ())
    partner = actor(city.partner)
    if mtype == MeetingType.MULTILAYER and not consent:
        with pytest.raises(services.ConsentMissing) as exc:
            services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk,
                                question="支援の方向性")
        assert "本人同意がありません" in str(exc.value)
        assert not meeting.items.exists()
        assert AccessLog.objects.filter(action="meeting.agenda.add", basis="denied").exists()
        return
    services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="支援の方向性")
    if pledged:
        services.pledge_sign(actor=partner, meeting=meeting)
    at = meeting.window_ends_at - dt.timedelta(minutes=1) if inside \
        else meeting.window_ends_at + dt.timedelta(minutes=1)
    sees_case = case_policy.visible_cases(partner, at=at).filter(pk=s.case.pk).exists()
    assert sees_case is (pledged and inside)
    basis = policy.person_basis(partner, s.person.pk, at=at)
    if consent:
        assert basis == "consent"  # the consent's own grant, whatever the meeting
    elif mtype == MeetingType.SUPPORT and pledged and inside:
        assert basis == "support_meeting"
    else:
        assert basis is None


def test_an_unpledged_attendee_sees_titles_only_and_opening_the_case_is_refused_and_logged(city):
    from ..policy import require_item
    from ..selectors import items_for

    meeting = make_meeting(city, make_body(city), attendees=("partner",))
    s = make_case(city)
    item = services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk,
                               question="見守りの分担", title="北町の高齢者世帯")
    partner = actor(city.partner)
    rows = items_for(partner, meeting)
    assert [r["open"] for r in rows] == [False] and rows[0]["item"].title == "北町の高齢者世帯"
    with pytest.raises(Exception) as exc:
        require_item(partner, item)
    assert "誓約" in str(exc.value)
    assert AccessLog.objects.filter(action="meeting.item.view", basis="denied",
                                    user_id=city.partner.pk).exists()
    services.pledge_sign(actor=partner, meeting=meeting)
    assert require_item(partner, item).pk == s.case.pk
    assert AccessLog.objects.filter(action="case.meeting.view", basis="support_meeting",
                                    person_id=s.person.pk, user_id=city.partner.pk).exists()


def test_a_member_added_to_a_multilayer_meeting_must_be_named_in_the_consent(city):
    meeting = make_meeting(city, make_body(city, MeetingType.MULTILAYER), attendees=("partner",))
    s = make_case(city, consent_orgs=("houkatsu",))
    services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="プラン")
    with pytest.raises(ValidationError) as exc:
        services.attendee_add(actor=s.coord, meeting=meeting, user_id=city.recorder.pk)
    assert "本人同意" in str(exc.value)
    assert not meeting.attendees.filter(user=city.recorder).exists()


def test_consent_for_information_sharing_only_does_not_open_a_multilayer_agenda(city):
    meeting = make_meeting(city, make_body(city, MeetingType.MULTILAYER), attendees=("partner",))
    s = make_case(city, consent_orgs=("houkatsu",), purposes=("information_sharing",))
    with pytest.raises(services.ConsentMissing):
        services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="プラン")
