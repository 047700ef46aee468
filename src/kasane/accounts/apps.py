from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kasane.accounts"
    verbose_name = "利用者と組織"

    def ready(self) -> None:
        # staff/organization figures in core.metrics, audit code labels in audit.labels
        from . import audit_labels, events, inbox, metrics  # noqa: F401
