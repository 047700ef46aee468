from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kasane.audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from . import audit_labels  # noqa: F401  (labels of its own audit codes)
