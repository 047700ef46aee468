"""Labels of the audit codes retention writes (registered in ``audit.labels`` at start-up)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import LegalHold, PurgedRecord, PurgeRun, RetentionPolicy

register(
    area="保存期間と廃棄",
    actions={"retention.dry_run": "廃棄の確認（ドライラン）", "retention.run": "廃棄の実行",
             "retention.purge": "保存期間経過による匿名化", "retention.report": "廃棄の確認画面の表示"},
    objects={"retention.PurgeRun": "廃棄処理"},
    models=[RetentionPolicy, LegalHold, PurgeRun, PurgedRecord],
)
