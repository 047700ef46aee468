from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kasane.cases"
    verbose_name = "支援ケース"

    def ready(self) -> None:
        # core.inbox, core.panels and the labels of its audit codes (audit.labels)
        from . import audit_labels, inbox, panels  # noqa: F401
