from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kasane.cases"
    verbose_name = "支援ケース"

    def ready(self) -> None:
        from kasane.sheets.panels import RECORD_PANELS

        from .panels import sheet_case_actions

        if sheet_case_actions not in RECORD_PANELS:
            RECORD_PANELS.append(sheet_case_actions)
