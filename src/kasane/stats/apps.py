from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "kasane.stats"
    verbose_name = "統計・指標"

    def ready(self) -> None:
        # Metrics of the apps below stats register on import (DESIGN §8).
        from kasane.meetings import metrics as meetings_metrics  # noqa: F401

        from . import metrics  # noqa: F401  (registers the metrics of existing records)
