from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kasane.accounts"
    verbose_name = "利用者と組織"
