from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kasane.core"
    verbose_name = "共通処理"
