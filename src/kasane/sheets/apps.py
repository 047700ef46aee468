from django.apps import AppConfig


class SheetsConfig(AppConfig):
    name = "kasane.sheets"
    verbose_name = "帳票"

    def ready(self) -> None:
        from kasane.people.panels import PERSON_PANELS

        from . import person_binding
        from .panels import person_sheets

        person_binding.register()
        if person_sheets not in PERSON_PANELS:
            PERSON_PANELS.append(person_sheets)
