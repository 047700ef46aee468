"""The 「緊急案件」 panel notify adds to the person page (``core.panels``, page
``people.person``): a button to raise an alert about this person and the open alerts about
them that the viewer may see (``notify.policy``). The page has already checked the person."""

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


PANELS.add("people.person", person_alerts)
