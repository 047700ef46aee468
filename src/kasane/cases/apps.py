from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kasane.cases"
    verbose_name = "支援ケース"

    def ready(self) -> None:
        # core.inbox, core.panels, the labels of its audit codes (audit.labels) and the
        # cases an actor reaches, for case-linked sheet records (sheets.reach), and the sheet
        # link handlers (sheets.links)
        from . import (  # noqa: F401
            audit_labels,
            inbox,
            indicators,
            metric_batches,
            metrics,
            panels,
            sheet_links,
            sheet_reach,
        )
