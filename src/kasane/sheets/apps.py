from django.apps import AppConfig


class SheetsConfig(AppConfig):
    name = "kasane.sheets"
    verbose_name = "帳票"

    def ready(self) -> None:
        # Register this app's plug-ins: person/consent link handlers, its inbox sections,
        # the person page's 「帳票」 panel, the background Excel export and the labels of
        # its audit codes.
        from . import audit_labels, exports, inbox, panels, person_binding  # noqa: F401
