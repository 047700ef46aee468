"""Dates on case screens: 和暦 in the timeline and prose, compact R8.12.9 in lists and tables,
never ISO or 12/09; date inputs in Japanese order (a text input, never mm/dd/yyyy)."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kasane.cases import services
from kasane.cases.inbox import referrals_waiting
from kasane.cases.models import CaseEvent
from kasane.core.wareki import format_wareki
from kasane.people.tests.factories import actor

from .factories import refer, setup_case

pytestmark = pytest.mark.django_db
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SLASH = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])")


def _timeline(html: str) -> str:
    return html[html.index('data-testid="timeline"'):]


def test_it_writes_and_shows_timeline_dates_in_wareki(city, client) -> None:
    s = setup_case(city)
    ref = refer(s, city.orgs["houkatsu"])
    event = CaseEvent.objects.filter(case=s.case, referral=ref).latest("id")
    assert f"回答期限 {format_wareki(ref.due_on)}" in event.text and not ISO.search(event.text)
    CaseEvent.objects.filter(pk=event.pk).update(text="回答期限 2026-12-09")  # written before
    client.force_login(city.coordinator)
    timeline = _timeline(client.get(f"/cases/{s.case.pk}/").content.decode())
    assert "回答期限 令和8年12月9日" in timeline and not ISO.search(timeline)


def test_it_shows_inbox_dates_compact_never_month_slash_day(city) -> None:
    s = setup_case(city)
    ref = refer(s, city.orgs["houkatsu"])
    section = referrals_waiting(city.partner, actor(city.partner))
    assert section is not None
    note = section.items[0]["note"]
    assert note == f"回答期限 {format_wareki(ref.due_on, 'short')}" and not SLASH.search(note)


def test_it_takes_the_contact_date_and_time_as_japanese_text(city, client) -> None:
    s = setup_case(city)
    client.force_login(city.coordinator)
    html = client.get(f"/cases/{s.case.pk}/contacts/new/").content.decode()
    assert 'type="datetime-local"' not in html and 'type="date"' not in html
    today = format_wareki(timezone.localdate())
    assert re.search(rf'name="at" value="{today} \d\d:\d\d"', html)
    r = client.post(f"/cases/{s.case.pk}/contacts/new/", {
        "at": "R6.4.1 9:30", "method": "visit", "reached": "1", "summary": "訪問",
        "next_action": "再訪問", "next_due_on": "令和6年4月8日"})
    assert r.status_code == 302
    contact = s.case.contacts.get()
    assert timezone.localtime(contact.at).replace(tzinfo=None) == dt.datetime(2024, 4, 1, 9, 30)
    assert contact.next_due_on == dt.date(2024, 4, 8)


def test_it_names_a_date_in_a_message_in_wareki(city) -> None:
    s = setup_case(city)
    inv = s.case.involvements.get()
    with pytest.raises(ValidationError) as exc:
        services.involvement_end(actor=s.coord, involvement=inv, reason="x",
                                 ended_on=inv.started_on - dt.timedelta(days=1))
    text = " ".join(exc.value.messages)
    assert not ISO.search(text) and format_wareki(inv.started_on) in text
