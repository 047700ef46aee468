"""Notify's write API: notifications, settings, channels, alerts, due reminders."""

from .alerts import (
    alert_acknowledge,
    alert_emergency_access,
    alert_escalate_due,
    alert_raise,
    alert_resolve,
    alert_take,
)
from .channels import (
    deliveries_retry_due,
    email_send,
    webhook_create,
    webhook_send,
    webhook_set_active,
)
from .notifications import (
    notification_mark_all_read,
    notification_mark_read,
    notify,
    settings_save,
)
from .rota import rota_remove, rota_set

__all__ = [
    "alert_acknowledge", "alert_emergency_access", "alert_escalate_due", "alert_raise",
    "alert_resolve", "alert_take", "deliveries_retry_due", "email_send",
    "notification_mark_all_read", "notification_mark_read", "notify", "rota_remove", "rota_set",
    "settings_save",
    "webhook_create", "webhook_send", "webhook_set_active",
]
