from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "kasane.areas"
    verbose_name = "圏域"

    def ready(self) -> None:
        # the labels of its audit codes (audit.labels) and its domain events
        from . import audit_labels, events  # noqa: F401
