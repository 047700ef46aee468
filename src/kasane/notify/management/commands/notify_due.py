"""./kasane notify_due — calendar reminders, alert escalation, delivery retries (run every few
minutes from cron or a systemd timer; idempotent: nobody is told twice)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from kasane.notify.services.due import notify_due


class Command(BaseCommand):
    help = ("期限を過ぎたつなぎ・見直し時期の支援プラン・見守りの次回確認日・誓約のない会議を"
            "通知し、受領のない緊急案件を次の担当へ発信し、送れなかったメールとWebhookを再送します。")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(notify_due(), ensure_ascii=False))
