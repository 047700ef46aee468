from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kasane.cases"
    verbose_name = "支援ケース"

    def ready(self) -> None:
        # core.inbox, core.panels, the labels of its audit codes (audit.labels) and the
        # sheet link handlers (sheets.links)
        from . import audit_labels, inbox, panels, sheet_links  # noqa: F401
