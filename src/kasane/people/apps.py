from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kasane.people"
    verbose_name = "本人・世帯・本人同意"

    def ready(self) -> None:
        from . import inbox  # noqa: F401  (registers its sections in core.inbox)
