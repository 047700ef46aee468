from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backup, restore and the per-table checksums of the restore drill.

    No models; it reads tables through SQL only, so it imports no other Kasane app and sits
    just below the project layer (``.importlinter``)."""

    name = "kasane.ops"
    label = "ops"
    verbose_name = "運用（バックアップ・復元）"
