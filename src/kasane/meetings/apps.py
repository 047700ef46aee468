from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "kasane.meetings"
    verbose_name = "会議"

    def ready(self) -> None:
        from . import inbox, metrics  # noqa: F401  (register in core.inbox and core.metrics)
