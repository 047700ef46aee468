from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kasane.core"
    verbose_name = "共通処理"

    def ready(self) -> None:
        from . import orm_speedups

        orm_speedups.install()
