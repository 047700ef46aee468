from django.apps import AppConfig


class PdcaConfig(AppConfig):
    name = "kasane.pdca"
    verbose_name = "PDCA進捗管理"
