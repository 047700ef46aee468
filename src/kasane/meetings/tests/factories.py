"""Meeting test helpers: bodies of both types and a case without consent (the usual 支援会議
case) recorded by the coordinator's organization."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from kasane.cases import services as case_services
from kasane.people.tests.factories import actor, make_consent, make_person

from .. import services
from ..models import MeetingType


def make_body(city: Any, type: str = MeetingType.SUPPORT, **kw: Any) -> Any:
    args = {"name": "支援会議" if type == MeetingType.SUPPORT else "重層的支援会議",
            "type": type, "legal_basis": "社会福祉法第106条の6", "review_days": 30}
    args.update(kw)
    return services.body_create(actor=actor(city.coordinator), **args)


def make_meeting(city: Any, body: Any, *, days: float = 3, attendees: tuple[str, ...] = ("partner",),
                 **kw: Any) -> Any:
    coord = actor(city.coordinator)
    meeting = services.meeting_create(actor=coord, body=body,
                                      starts_at=timezone.now() + dt.timedelta(days=days),
                                      place="市役所 第1会議室", **kw)
    for name in attendees:
        services.attendee_add(actor=coord, meeting=meeting, user_id=getattr(city, name).pk)
    return meeting


def make_case(city: Any, *, consent_orgs: tuple[str, ...] = (),
              purposes: tuple[str, ...] = ("multilayer_meeting",)) -> SimpleNamespace:
    coord = actor(city.coordinator)
    person = make_person(city.coordinator)
    consent = None
    if consent_orgs:
        consent = make_consent(city.coordinator, person, [city.orgs[k] for k in consent_orgs],
                               purposes=list(purposes))
    case = case_services.case_open(actor=coord, person_ids=[person.pk],
                                   summary="ごみ屋敷の状態。本人は支援を拒否", triage="4")
    return SimpleNamespace(coord=coord, person=person, consent=consent, case=case)
