from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "kasane.participation"
    verbose_name = "参加支援・人材バンク"

    def ready(self) -> None:
        # audit labels, home inbox, case panel, metrics, the 参加支援 sheet's ``match`` link
        from . import audit_labels, inbox, metrics, panels, sheet_links  # noqa: F401
