"""Labels of the audit codes notify writes (registered in ``audit.labels`` at start-up)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import Alert, AlertRecipient, Webhook

register(area="通知・緊急案件",
         actions={"alert.view": "緊急案件の閲覧", "alert.alert": "緊急案件の発信（ケース）"},
         objects={"notify.Alert": "緊急案件"}, models=[Alert, AlertRecipient, Webhook])
