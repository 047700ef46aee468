from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "kasane.notify"
    verbose_name = "通知・緊急案件"

    def ready(self) -> None:
        # subscriptions to core.events, labels of its audit codes, the home inbox section
        from . import audit_labels, inbox, subscribers  # noqa: F401
