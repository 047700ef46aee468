"""The 「緊急案件」 panels notify adds to the person page (``core.panels``, page
``people.person``) and the case page (page ``cases.case``): a button to raise an alert about
this person / case and the open alerts about them that the viewer may see
(``notify.policy``). Shown only to those who may raise alerts (case roles); the page has
already checked the person / case."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from kasane.accounts.http import membership_of
from kasane.core.panels import PANELS

from . import policy
from .models import AlertStatus


def person_alerts(request: Any, person: Any) -> str:
    actor = membership_of(request)
    if actor is None or not actor.handles_cases:
        return ""
    alerts = list(policy.visible_alerts(actor).filter(person_id=person.pk)
                  .exclude(status=AlertStatus.RESOLVED).order_by("-created_at")[:5])
    return render_to_string("notify/_person_alerts.html", {"person": person, "alerts": alerts},
                            request=request)


def case_alerts(request: Any, case: Any) -> str:
    actor = membership_of(request)
    if actor is None or not actor.handles_cases:
        return ""
    alerts = list(policy.visible_alerts(actor).filter(case_id=case.pk)
                  .exclude(status=AlertStatus.RESOLVED).order_by("-created_at")[:5])
    return render_to_string("notify/_case_alerts.html", {"case": case, "alerts": alerts},
                            request=request)


PANELS.add("people.person", person_alerts)
PANELS.add("cases.case", case_alerts)
