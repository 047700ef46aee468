from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "kasane.stats"
    verbose_name = "統計・指標"

    def ready(self) -> None:
        from . import metrics  # noqa: F401  (registers the metrics of existing records)
