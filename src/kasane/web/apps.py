from django.apps import AppConfig

# Apps below web offer home-inbox providers in ``kasane.<app>.inbox.PROVIDERS`` (web may import
# them; they may not import web). A provider is ``callable(user, membership) -> dict | None``
# with keys title, items ([{label, url, note}]), and optionally empty_text, more_url, order.
INBOX_MODULES = ["kasane.people.inbox", "kasane.sheets.inbox", "kasane.cases.inbox",
                 "kasane.meetings.inbox", "kasane.pdca.inbox"]


class WebConfig(AppConfig):
    name = "kasane.web"
    verbose_name = "画面"

    def ready(self) -> None:
        from . import inbox
        from .modules import import_optional

        for dotted in INBOX_MODULES:
            module = import_optional(dotted)
            for provider in getattr(module, "PROVIDERS", []):
                inbox.register(provider)
