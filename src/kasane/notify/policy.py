"""Who may see and act on 緊急案件 (alerts), built on ``access.policy``.

An alert is seen by the members of the organization that raised it and by the users it was
sent to (recipients of any escalation level); it shares only what its own text says. Reading
one is logged (basis ``emergency``: 生命・身体の保護, with the alert's person for the disclosure
report). The person's record itself opens only through emergency access by the owner.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.core.ids import as_id

from .models import Alert, AlertRecipient


def visible_alerts(actor: Actor | None) -> QuerySet[Alert]:
    """Alerts raised by the actor's organization or sent to the actor's user. Logs nothing."""
    if actor is None or not policy.handles_persons(actor):
        return Alert.objects.none()
    sent = AlertRecipient.objects.filter(alert_id=OuterRef("pk"), user_id=actor.user_id)
    return Alert.objects.filter(Q(raised_org_id=actor.organization_id) | Exists(sent),
                                municipality_id=policy.tenant_id(actor))


def require_alert(actor: Actor | None, alert_id: object, *, action: str = "view") -> Alert:
    """The alert if visible (read logged), else a logged denial and 404."""
    aid = as_id(alert_id)
    alert = visible_alerts(actor).select_related(
        "raised_org", "raised_by", "owner", "owner_org").filter(pk=aid).first() if aid else None
    user = actor.user if actor is not None else None
    org_id = actor.organization_id if actor is not None else None
    if alert is None:
        access_log(user=user, action=f"alert.{action}", basis=Basis.DENIED,
                   organization_id=org_id, object_type="notify.Alert", object_id=alert_id or "")
        raise Http404("見つかりません。")
    basis = Basis.OWN_RECORD if alert.raised_org_id == org_id else Basis.EMERGENCY
    access_log(user=user, action=f"alert.{action}", basis=basis, organization_id=org_id,
               object_type="notify.Alert", object_id=alert.pk, person_id=alert.person_id,
               detail="緊急案件の共有")
    return alert


def is_recipient(actor: Actor, alert: Alert) -> bool:
    return AlertRecipient.objects.filter(alert=alert, user_id=actor.user_id).exists()


def can_take(actor: Actor, alert: Alert) -> bool:
    return alert.is_open and alert.owner_id is None and is_recipient(actor, alert)


def can_resolve(actor: Actor, alert: Alert) -> bool:
    return alert.is_open and (alert.owner_id == actor.user_id
                              or alert.raised_org_id == actor.organization_id)


def require_handler(actor: Actor | None) -> Actor:
    return policy.require_handler(actor, message="緊急案件を扱えるのは相談支援に携わる職員です。")
