from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "kasane.retention"
    verbose_name = "保存期間と廃棄"

    def ready(self) -> None:
        # the labels of its audit codes (audit.labels)
        from . import audit_labels  # noqa: F401
