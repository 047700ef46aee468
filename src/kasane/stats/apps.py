from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "kasane.stats"
    verbose_name = "統計・指標"
