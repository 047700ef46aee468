from django.apps import AppConfig


class StatsConfig(AppConfig):
    """Statistics only consume the metric registry (core.metrics); every app registers its own.
    stats adds the case page's 「関わりのプロセス」 panel (core.panels) and its long reports as
    background files (exports.kinds, ``export_kinds``)."""

    name = "kasane.stats"
    verbose_name = "統計・指標"

    def ready(self) -> None:
        from . import audit_labels, export_kinds, panels  # noqa: F401
