from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kasane.cases"
    verbose_name = "支援ケース"

    def ready(self) -> None:
        from . import inbox, panels  # noqa: F401  (register in core.inbox and core.panels)
