from django.apps import AppConfig


class PdcaConfig(AppConfig):
    name = "kasane.pdca"
    verbose_name = "PDCA進捗管理"

    def ready(self) -> None:
        # core.inbox, core.metrics and the labels of its audit codes (audit.labels)
        from . import audit_labels, export_kinds, inbox, metrics  # noqa: F401
