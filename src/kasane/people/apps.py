from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kasane.people"
    verbose_name = "本人・世帯・本人同意"

    def ready(self) -> None:
        # its sections in core.inbox, its records' labels in audit.labels, its addresses in
        # the 未設定 list of areas (areas.coverage)
        from . import area_sources, audit_labels, inbox  # noqa: F401
