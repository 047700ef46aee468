from django.apps import AppConfig


class PdcaConfig(AppConfig):
    name = "kasane.pdca"
    verbose_name = "PDCA進捗管理"

    def ready(self) -> None:
        from . import metrics  # noqa: F401  (registers pdca.* metrics in the stats registry)
