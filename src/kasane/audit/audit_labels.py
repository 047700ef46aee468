"""Labels of the codes the audit app writes itself: the auditor's own searches."""

from __future__ import annotations

from .labels import register
from .models import AccessLog, AuditArchive, AuditSeal, ChangeRecord

register(area="監査",
         actions={"audit_search": "アクセスログの検索", "audit_changes": "変更履歴の検索",
                  "audit.change_open": "変更履歴の内容の表示（理由あり）"},
         objects={"access_log": "アクセスログ", "change_record": "変更履歴",
                  "audit.ChangeRecord": "変更履歴"},
         models=[AccessLog, ChangeRecord, AuditSeal, AuditArchive])
