from django.apps import AppConfig


class SheetsConfig(AppConfig):
    name = "kasane.sheets"
    verbose_name = "帳票"

    def ready(self) -> None:
        from kasane.core.panels import add_panel

        from . import person_binding
        from .panels import person_sheets

        person_binding.register()
        add_panel("people.person", person_sheets)
