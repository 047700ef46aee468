from django.apps import AppConfig


class SheetsConfig(AppConfig):
    name = "kasane.sheets"
    verbose_name = "帳票"

    def ready(self) -> None:
        # Register this app's plug-ins: person/consent link handlers, its inbox sections,
        # the person page's 「帳票」 panel and the background Excel export.
        from . import exports, inbox, panels, person_binding  # noqa: F401
