"""Labels of the audit codes sheets writes (registered in ``audit.labels`` at start-up)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import (
    ImportMapping,
    LiaisonRoute,
    SheetAttachment,
    SheetDefinition,
    SheetDerivation,
    SheetImport,
    SheetRecord,
    SheetShare,
)

register(
    area="帳票",
    actions={
        "sheet_record_create": "帳票の作成", "sheet_record_submit": "帳票の提出",
        "sheet_record_edit": "帳票の修正", "sheet_record_edit_view": "帳票の入力画面の表示",
        "sheet_record_autosave": "帳票の自動保存", "sheet_record_print": "帳票の印刷（PDF）",
        "sheet_record_route": "つなぐシートの受付状況の変更",
        "sheet_record_derive": "帳票から作成する記録の再実行・確認",
        "sheet_record_discard": "下書きの削除", "sheet_record_view": "帳票の閲覧",
        "sheet_record_list": "帳票の一覧表示", "sheet_inbox": "ホームに帳票を表示",
        "sheet_record_api_list": "帳票の一覧（API）", "sheet_record_api_view": "帳票の閲覧（API）",
        "sheet_attachment_upload": "添付ファイルの登録",
        "sheet_attachment_view": "添付ファイルの閲覧", "sheet_export": "帳票の出力（CSV・Excel）",
        "sheet_import_upload": "取り込むファイルの登録", "sheet_import_commit": "帳票の取り込み",
        "sheet_definition_version": "帳票定義の新しい版",
    },
    objects={"sheet_record": "帳票", "sheet_attachment": "添付ファイル",
             "sheet_definition": "帳票定義", "sheet_import": "帳票の取り込み",
             "sheets.SheetRecord": "帳票"},
    models=[SheetDefinition, SheetRecord, SheetImport, SheetAttachment, LiaisonRoute, SheetShare,
            SheetDerivation, ImportMapping],
)
