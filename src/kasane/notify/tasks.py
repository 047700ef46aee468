"""Background work (django-tasks, database queue): channel deliveries and alert escalation."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_email(delivery_id: int) -> str:
    row = services.email_send(delivery_id)
    return row.status if row else "skipped"


@task()
def send_webhook(delivery_id: int) -> str:
    row = services.webhook_send(delivery_id)
    return row.status if row else "skipped"


@task()
def escalate_alert(alert_id: int) -> int:
    """Escalate this alert if it is due (a frozen clock in tests calls the service directly)."""
    return services.alert_escalate_due(alert_ids=[alert_id])
