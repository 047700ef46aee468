from django.apps import AppConfig


class SheetsConfig(AppConfig):
    name = "kasane.sheets"
    verbose_name = "帳票"
