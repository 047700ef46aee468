from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kasane.accounts"
    verbose_name = "利用者と組織"

    def ready(self) -> None:
        from . import metrics  # noqa: F401  (registers staff/organization figures in core.metrics)
