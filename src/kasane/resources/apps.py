from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "kasane.resources"
    verbose_name = "社会資源"

    def ready(self) -> None:
        # audit labels, metrics, and the subscriber re-deriving areas when the table changes
        from . import area_sources, audit_labels, inbox, metrics, subscribers  # noqa: F401
