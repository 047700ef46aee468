import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kasane.access import policy
from kasane.access.models import Grant
from kasane.audit.models import AccessLog, ChangeRecord
from kasane.cases import policy as case_policy
from kasane.cases import services as case_services
from kasane.cases.models import CaseEvent, PlanStatus, Status
from kasane.cases.tests.factories import make_plan
from kasane.people.tests.factories import actor

from .. import policy as meeting_policy
from .. import services
from ..models import DecisionKind, MeetingType
from .factories import make_body, make_case, make_meeting

pytestmark = pytest.mark.django_db


def _held(meeting, days=1):
    """Move a meeting into the past (window still open) through the service."""
    return services.meeting_update(actor=actor(meeting.created_by), meeting=meeting,
                                   starts_at=timezone.now() - dt.timedelta(days=days),
                                   place=meeting.place)


def test_support_meeting_grants_end_with_the_window_and_follow_a_moved_meeting(city):
    meeting = make_meeting(city, make_body(city, review_days=10))
    s = make_case(city)
    services.pledge_sign(actor=actor(city.partner), meeting=meeting)
    services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="見守り")
    grant = Grant.objects.get(person=s.person, user=city.partner)
    assert grant.basis == "support_meeting" and grant.organization == city.orgs["houkatsu"]
    assert grant.valid_until == meeting.window_ends_at
    assert meeting.window_ends_at == meeting.starts_at + dt.timedelta(days=10)
    moved = services.meeting_update(actor=s.coord, meeting=meeting,
                                    starts_at=meeting.starts_at + dt.timedelta(days=7),
                                    place="社協 会議室")
    grant.refresh_from_db()
    assert grant.valid_until == moved.window_ends_at


def test_a_standing_member_pledges_once_a_year_for_every_meeting_of_the_body(city):
    body = make_body(city, standing_user_ids=[city.partner.pk])
    first = make_meeting(city, body, attendees=())
    second = make_meeting(city, body, days=30, attendees=())
    assert first.attendees.get(user=city.partner).is_standing
    pledge = services.pledge_sign(actor=actor(city.partner), meeting=first, annual=True)
    assert pledge.is_annual and pledge.valid_until == services.fiscal_year_end(pledge.signed_at)
    assert second.attendees.get(user=city.partner).pledge == pledge
    third = make_meeting(city, body, days=40, attendees=())
    if third.starts_at < pledge.valid_until:
        assert third.attendees.get(user=city.partner).pledge == pledge


def test_only_standing_members_pledge_annually_and_nobody_pledges_twice(city):
    meeting = make_meeting(city, make_body(city))
    with pytest.raises(ValidationError):
        services.pledge_sign(actor=actor(city.partner), meeting=meeting, annual=True)
    services.pledge_sign(actor=actor(city.partner), meeting=meeting)
    with pytest.raises(ValidationError):
        services.pledge_sign(actor=actor(city.partner), meeting=meeting)
    with pytest.raises(PermissionDenied):
        services.pledge_sign(actor=actor(city.outsider), meeting=meeting)


def test_a_meeting_of_another_tenant_is_refused_and_logged(city):
    from kasane.accounts.models import Membership, Role

    meeting = make_meeting(city, make_body(city))
    other = Membership.objects.create(user=city.other_admin, organization=city.other_org,
                                      role=Role.COORDINATOR)
    with pytest.raises(Http404):
        meeting_policy.require_meeting(other, meeting.pk)
    assert AccessLog.objects.filter(action="meeting.view", basis="denied",
                                    user_id=city.other_admin.pk).exists()


def test_only_managers_schedule_meetings_and_record_decisions(city):
    body = make_body(city)
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=actor(city.partner), body=body,
                                starts_at=timezone.now(), place="x")
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(actor=actor(city.coordinator), body=body, starts_at=None)
    assert "starts_at" in exc.value.message_dict and "place" in exc.value.message_dict


def test_the_support_meeting_exception_lets_a_referral_go_without_consent(city):
    meeting = make_meeting(city, make_body(city), attendees=("partner",))
    s = make_case(city)
    to = city.orgs["houkatsu"]
    with pytest.raises(ValidationError):
        case_services.referral_create(actor=s.coord, case=s.case, to_org_id=to.pk,
                                      reason="訪問の分担", consent_id=None)
    services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="誰が訪問するか")
    ref = case_services.referral_create(actor=s.coord, case=s.case, to_org_id=to.pk,
                                        reason="訪問の分担", consent_id=None)
    assert ref.consent is None
    assert case_policy.referral_basis_without_consent(s.coord, s.case, to.pk) == "support_meeting"
    assert case_policy.referral_basis_without_consent(s.coord, s.case,
                                                      city.orgs["shougai"].pk) is None


def test_a_multilayer_meeting_approves_a_plan_and_the_case_links_back(city):
    meeting = make_meeting(city, make_body(city, MeetingType.MULTILAYER), attendees=("partner",))
    s = make_case(city, consent_orgs=("houkatsu",), purposes=("multilayer_meeting", "information_sharing"))
    plan = make_plan(s, city)
    item = services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="プラン案")
    _held(meeting)
    d = services.decision_record(actor=s.coord, meeting=meeting, case_id=s.case.pk,
                                           kind=DecisionKind.PLAN_APPROVED, plan_id=plan.pk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and d.plan == plan and d.item == item
    assert plan.meeting_id == meeting.pk
    assert plan.approved_on == min(timezone.localdate(meeting.starts_at), timezone.localdate())
    ev = CaseEvent.objects.filter(case=s.case, plan=plan, kind="plan").first()
    assert ev is not None and ev.link == f"/meetings/{meeting.pk}/#item-{item.pk}"
    assert "重層的支援会議" in ev.text
    services.decision_record(actor=s.coord, meeting=meeting, case_id=s.case.pk,
                                       kind=DecisionKind.NEXT_REVIEW,
                                       review_on=timezone.localdate() + dt.timedelta(days=60))
    assert CaseEvent.objects.filter(case=s.case, kind="meeting", text__contains="次回の見直し日").exists()
    services.decision_record(actor=s.coord, meeting=meeting, case_id=s.case.pk,
                                       kind=DecisionKind.CLOSURE_APPROVED, closure_reason="goal_met",
                                       evaluation="生活が安定した")
    s.case.refresh_from_db()
    assert s.case.status == Status.CLOSED


def test_a_decision_on_a_case_not_on_the_agenda_is_refused_and_logged(city):
    meeting = make_meeting(city, make_body(city))
    s = make_case(city)
    _held(meeting)
    with pytest.raises(ValidationError) as exc:
        services.decision_record(actor=s.coord, meeting=meeting, case_id=s.case.pk,
                                           kind=DecisionKind.NEXT_REVIEW,
                                           review_on=timezone.localdate())
    assert "議題にありません" in str(exc.value)
    assert AccessLog.objects.filter(action="meeting.decision", basis="denied").exists()


def test_a_support_meeting_cannot_approve_a_plan(city):
    meeting = make_meeting(city, make_body(city))
    s = make_case(city)
    plan = make_plan(s, city)
    services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="x")
    _held(meeting)
    with pytest.raises(ValidationError) as exc:
        services.decision_record(actor=s.coord, meeting=meeting, case_id=s.case.pk,
                                           kind=DecisionKind.PLAN_APPROVED, plan_id=plan.pk)
    assert "重層的支援会議" in str(exc.value)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_approved_minutes_need_a_reason_to_change(city):
    meeting = make_meeting(city, make_body(city))
    s = make_case(city)
    item = services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="x")
    with pytest.raises(ValidationError):
        services.minutes_approve(actor=s.coord, meeting=meeting)  # not held yet
    _held(meeting)
    services.minutes_write(actor=s.coord, item=item, text="包括が訪問する")
    services.minutes_approve(actor=s.coord, meeting=meeting)
    with pytest.raises(ValidationError) as exc:
        services.minutes_write(actor=s.coord, item=item, text="社協が訪問する")
    assert "理由" in str(exc.value)
    assert AccessLog.objects.filter(action="meeting.minutes", basis="denied").exists()
    item.refresh_from_db()
    assert item.minutes == "包括が訪問する"
    services.minutes_write(actor=s.coord, item=item, text="社協が訪問する", reason="誤記の訂正")
    assert ChangeRecord.objects.filter(reason="誤記の訂正").exists()
    with pytest.raises(PermissionDenied):
        services.minutes_write(actor=actor(city.partner), item=item, text="x", reason="y")


def test_removing_an_item_ends_its_grants(city):
    meeting = make_meeting(city, make_body(city))
    s = make_case(city)
    services.pledge_sign(actor=actor(city.partner), meeting=meeting)
    item = services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="x")
    assert policy.person_basis(actor(city.partner), s.person.pk) == "support_meeting"
    services.agenda_remove(actor=s.coord, item=item)
    assert policy.person_basis(actor(city.partner), s.person.pk) is None


def test_a_case_the_actor_cannot_see_is_not_put_on_an_agenda(city):
    meeting = make_meeting(city, make_body(city))
    s = make_case(city)
    with pytest.raises(Http404):
        services.agenda_add(actor=actor(city.partner), meeting=meeting, case_id=s.case.pk,
                            question="x")


def test_counts_feed_statistics_per_meeting_type(city):
    from ..selectors import counts

    meeting = make_meeting(city, make_body(city))
    s = make_case(city)
    services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="x")
    today = timezone.localdate()
    window = (today - dt.timedelta(days=30), today + dt.timedelta(days=1))
    assert counts(city.municipality.pk, *window)["support_meeting.held"] == 0  # not held yet
    _held(meeting)
    got = counts(city.municipality.pk, *window)
    assert got["support_meeting.held"] == 1 and got["support_meeting.cases"] == 1
    assert got["multilayer_meeting.held"] == 0


def test_the_inbox_reminds_attendees_of_meetings_and_pledges(city):
    from ..inbox import upcoming_meetings

    meeting = make_meeting(city, make_body(city))
    box = upcoming_meetings(city.partner, actor(city.partner))
    assert box is not None and box.items[0]["url"] == f"/meetings/{meeting.pk}/"
    assert box.items[0]["note"] == "守秘義務の誓約が必要です"
    services.pledge_sign(actor=actor(city.partner), meeting=meeting)
    assert upcoming_meetings(city.partner, actor(city.partner)).items[0]["note"] == "誓約済み"
    assert upcoming_meetings(city.outsider, actor(city.outsider)) is None
    assert upcoming_meetings(city.admin, actor(city.admin)) is None


def test_it_refuses_standing_members_outside_the_pickers(city):
    coord = actor(city.coordinator)
    with pytest.raises(ValidationError) as exc:
        services.body_create(actor=coord, name="支援会議", type=MeetingType.SUPPORT,
                             standing_org_ids=[city.orgs["audit"].pk],
                             standing_user_ids=[city.auditor.pk, city.partner.pk])
    assert set(exc.value.message_dict) == {"standing_org_ids", "standing_user_ids"}
    body = services.body_create(actor=coord, name="支援会議", type=MeetingType.SUPPORT,
                                standing_org_ids=[city.orgs["houkatsu"].pk],
                                standing_user_ids=[city.partner.pk])
    assert list(body.standing_users.all()) == [city.partner]
