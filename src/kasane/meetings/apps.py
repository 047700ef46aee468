from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "kasane.meetings"
    verbose_name = "会議"

    def ready(self) -> None:
        # core.inbox, core.metrics and the labels of its audit codes (audit.labels)
        from . import audit_labels, inbox, metrics  # noqa: F401
