from django.apps import AppConfig


class SheetsConfig(AppConfig):
    name = "kasane.sheets"
    verbose_name = "帳票"

    def ready(self) -> None:
        from . import person_binding

        person_binding.register()
