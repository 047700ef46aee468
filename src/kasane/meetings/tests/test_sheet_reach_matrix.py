"""Case-linked sheet records: case involvement and pledged meeting attendees (in / after the
window, 支援会議 / 重層的支援会議 with consent purpose in / out) → visible or not, logged with
the basis. The rest of the matrix (own, consent, emergency, 閲覧制限, anonymous) is
``sheets/tests/test_visibility_matrix.py``; this part needs cases and meetings, which sit above
sheets (``sheets.reach`` is filled by ``cases.sheet_reach``)."""

from __future__ import annotations

from typing import Any

from kasane.audit.models import AccessLog, Basis
from kasane.cases.services import cases as case_cases
from kasane.people.tests.factories import actor
from kasane.sheets import policy as sheet_policy
from kasane.sheets import services as sheet_services

from .. import services
from ..models import MeetingType
from .factories import make_body, make_case, make_meeting

GRID = {"center": "ごみ出しができない", "cell_1": "几帳面"}


def sheets_for(s: Any) -> tuple[Any, Any]:
    """A 9マス linked to the case and one about the same person linked to nothing."""
    linked = sheet_services.record_create(actor=s.coord, code="nine_grid", answers=GRID,
                                          submit=True, person_id=s.person.pk, case_id=s.case.pk)
    loose = sheet_services.record_create(actor=s.coord, code="nine_grid", answers=GRID,
                                         submit=True, person_id=s.person.pk)
    return linked, loose


def visible(user: Any, record: Any, **kw: Any) -> bool:
    return sheet_policy.visible_records(actor(user), **kw).filter(pk=record.pk).exists()


def logged(user: Any, record: Any, basis: str) -> bool:
    sheet_policy.require_record(actor=actor(user), pk=record.pk)
    return AccessLog.objects.filter(user=user, object_id=str(record.pk), basis=basis,
                                    action="sheet_record_view").exists()


def test_case_involvement_reaches_the_sheets_linked_to_that_case_only(city) -> None:
    s = make_case(city)
    linked, loose = sheets_for(s)
    assert not visible(city.partner, linked)
    houkatsu = city.orgs["houkatsu"]
    case_cases.involvement_ensure(actor=s.coord, case=s.case, organization=houkatsu,
                                     role="member", basis=Basis.CASE_INVOLVEMENT)
    case_cases.grant_case_involvement(actor=s.coord, case=s.case, organization=houkatsu,
                                         source_type="plan", source_id=1)
    assert visible(city.partner, linked) and not visible(city.partner, loose)
    assert not visible(city.outsider, linked)
    assert logged(city.partner, linked, Basis.CASE_INVOLVEMENT)


def test_a_pledged_support_meeting_attendee_reads_agenda_sheets_inside_the_window(city) -> None:
    meeting = make_meeting(city, make_body(city), attendees=("partner", "outsider"))
    s = make_case(city)
    linked, loose = sheets_for(s)
    services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="訪問の分担")
    assert not visible(city.partner, linked)  # unpledged
    services.pledge_sign(actor=actor(city.partner), meeting=meeting)
    assert visible(city.partner, linked) and not visible(city.partner, loose)
    assert not visible(city.outsider, linked)  # attends, has not pledged
    assert logged(city.partner, linked, Basis.SUPPORT_MEETING)
    import datetime as dt

    after = meeting.window_ends_at + dt.timedelta(seconds=1)
    assert not visible(city.partner, linked, at=after)


def test_a_multilayer_meeting_needs_consent_for_multilayer_meeting(city) -> None:
    from kasane.people.services import consent_withdraw

    meeting = make_meeting(city, make_body(city, MeetingType.MULTILAYER), attendees=("partner",))
    s = make_case(city, consent_orgs=("houkatsu",), purposes=("multilayer_meeting",))
    linked, loose = sheets_for(s)
    services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="プラン案")
    assert not visible(city.partner, linked)  # unpledged
    services.pledge_sign(actor=actor(city.partner), meeting=meeting)
    # the consent covers 重層的支援会議 only: the agenda case's sheet, not the loose one
    # (a 9マス is shared by consent for 関係機関との情報共有)
    assert visible(city.partner, linked) and not visible(city.partner, loose)
    assert logged(city.partner, linked, Basis.CONSENT)
    consent_withdraw(actor=s.coord, consent=s.consent, reason="本人の申し出")
    assert not visible(city.partner, linked)
