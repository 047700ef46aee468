from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "kasane.areas"
    verbose_name = "圏域"
