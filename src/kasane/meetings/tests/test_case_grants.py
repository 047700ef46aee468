"""A pledged attendee's reach over agenda cases is data (CaseGrant rows), not a start-up hook:
it appears on pledge, follows the meeting when it moves, ends with the window or when the
item is withdrawn — and every read of it goes through ``cases.policy``."""

import datetime as dt

from django.utils import timezone

from kasane.cases import policy as case_policy
from kasane.cases.models import CaseGrant, CaseGrantPurpose
from kasane.people.tests.factories import actor

from .. import services
from ..models import MeetingType
from .factories import make_body, make_case, make_meeting


def test_a_support_meeting_attendees_reach_appears_on_pledge_and_ends_with_the_window(city):
    meeting = make_meeting(city, make_body(city), attendees=("partner",))
    s = make_case(city)
    partner = actor(city.partner)
    services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="訪問の分担")
    assert not case_policy.visible_cases(partner).filter(pk=s.case.pk).exists()
    assert not CaseGrant.objects.filter(purpose=CaseGrantPurpose.VIEW, user=city.partner).exists()

    services.pledge_sign(actor=partner, meeting=meeting)
    row = CaseGrant.objects.get(purpose=CaseGrantPurpose.VIEW, user=city.partner)
    assert (row.case_id, row.organization_id, row.basis, row.source_type, row.source_id) == (
        s.case.pk, city.orgs["houkatsu"].pk, "support_meeting", "meeting", str(meeting.pk))
    assert row.valid_until == meeting.window_ends_at
    assert case_policy.visible_cases(partner).filter(pk=s.case.pk).exists()

    after = meeting.window_ends_at + dt.timedelta(seconds=1)
    assert not case_policy.visible_cases(partner, at=after).filter(pk=s.case.pk).exists()


def test_the_rows_follow_a_moved_meeting_and_end_when_the_item_is_withdrawn(city):
    meeting = make_meeting(city, make_body(city), attendees=("partner",))
    s = make_case(city)
    partner = actor(city.partner)
    item = services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="分担")
    services.pledge_sign(actor=partner, meeting=meeting)
    later = timezone.now() + dt.timedelta(days=10)
    services.meeting_update(actor=s.coord, meeting=meeting, starts_at=later, place="公民館")
    meeting.refresh_from_db()
    assert set(CaseGrant.objects.filter(source_id=str(meeting.pk)).values_list(
        "valid_until", flat=True)) == {meeting.window_ends_at}

    services.agenda_remove(actor=s.coord, item=item)
    assert not CaseGrant.objects.filter(source_id=str(meeting.pk), ended_at=None).exists()
    assert not case_policy.visible_cases(partner).filter(pk=s.case.pk).exists()
    assert case_policy.referral_basis_without_consent(s.coord, s.case,
                                                      city.orgs["houkatsu"].pk) is None


def test_a_multilayer_meeting_gives_reach_but_no_referral_without_consent(city):
    meeting = make_meeting(city, make_body(city, MeetingType.MULTILAYER), attendees=("partner",))
    s = make_case(city, consent_orgs=("houkatsu",),
                  purposes=("multilayer_meeting", "information_sharing"))
    partner = actor(city.partner)
    services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="プラン案")
    services.pledge_sign(actor=partner, meeting=meeting)
    row = CaseGrant.objects.get(purpose=CaseGrantPurpose.VIEW, user=city.partner)
    assert row.basis == "consent"
    assert case_policy.visible_cases(partner).filter(pk=s.case.pk).exists()
    assert not CaseGrant.objects.filter(purpose=CaseGrantPurpose.REFER).exists()
