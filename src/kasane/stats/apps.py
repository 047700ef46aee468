from django.apps import AppConfig


class StatsConfig(AppConfig):
    """Statistics only consume the metric registry (core.metrics); every app registers its own."""

    name = "kasane.stats"
    verbose_name = "統計・指標"
