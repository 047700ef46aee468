from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "kasane.access"
    verbose_name = "アクセス制御"
