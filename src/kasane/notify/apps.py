from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "kasane.notify"
    verbose_name = "通知・緊急案件"

    def ready(self) -> None:
        # core.events subscriptions, audit labels, the home inbox section, the person panel
        from . import audit_labels, inbox, panels, subscribers  # noqa: F401
