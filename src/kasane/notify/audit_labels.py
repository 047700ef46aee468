"""Labels of the audit codes notify writes (registered in ``audit.labels`` at start-up)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import (
    Alert,
    AlertEvent,
    AlertRecipient,
    EmailDelivery,
    Notification,
    NotificationSetting,
    RotaShift,
    Webhook,
    WebhookDelivery,
)

register(area="通知・緊急案件",
         actions={"alert.view": "緊急案件の閲覧", "alert.ack": "緊急案件の受領",
                  "alert.take": "緊急案件の対応者になる", "alert.resolve": "緊急案件の解決",
                  "alert.emergency": "緊急案件からの緊急アクセス",
                  "case.alert": "ケースについて緊急案件を発信"},
         objects={"notify.Alert": "緊急案件"},
         models=[Alert, AlertEvent, AlertRecipient, EmailDelivery, Notification,
                 NotificationSetting, RotaShift, Webhook, WebhookDelivery])
