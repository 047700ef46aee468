from django.apps import AppConfig


class StatsConfig(AppConfig):
    """Statistics only consume the metric registry (core.metrics); every app registers its own.
    stats adds the case page's 「関わりのプロセス」 panel (core.panels)."""

    name = "kasane.stats"
    verbose_name = "統計・指標"

    def ready(self) -> None:
        from . import audit_labels, panels  # noqa: F401
