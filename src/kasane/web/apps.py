from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kasane.web"
    verbose_name = "画面"
