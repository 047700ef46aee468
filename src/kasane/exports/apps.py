from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "kasane.exports"
    verbose_name = "出力ファイル"
