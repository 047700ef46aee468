from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "kasane.access"
    verbose_name = "アクセス制御"

    def ready(self) -> None:
        from . import audit_labels  # noqa: F401  (labels of the person.* audit codes, in audit.labels)
