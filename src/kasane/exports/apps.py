from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "kasane.exports"
    verbose_name = "出力ファイル"

    def ready(self) -> None:
        from . import audit_labels  # noqa: F401  (labels of its audit codes, in audit.labels)
