from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kasane.cases"
    verbose_name = "支援ケース"

    def ready(self) -> None:
        from kasane.core.panels import add_panel

        from .panels import sheet_case_actions

        add_panel("sheets.record", sheet_case_actions)
