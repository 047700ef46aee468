from django.apps import AppConfig


class PdcaConfig(AppConfig):
    name = "kasane.pdca"
    verbose_name = "PDCA進捗管理"

    def ready(self) -> None:
        from . import inbox, metrics  # noqa: F401  (register in core.inbox and core.metrics)
