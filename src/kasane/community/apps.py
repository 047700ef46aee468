from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "kasane.community"
    verbose_name = "地域づくり"

    def ready(self) -> None:
        # sheets.links (地域課題シート), core.panels (the committee's meeting page),
        # core.inbox, core.metrics and the labels of its audit codes (audit.labels)
        from . import audit_labels, inbox, metrics, panels, sheet_links  # noqa: F401
