"""Labels of the ``person.*`` audit codes: ``access.policy`` writes every read and refusal of a
person as ``person.<action>`` (``log_action``), whichever screen asked."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import EmergencyReview, Grant

register(
    area="本人",
    actions={
        "person.view": "本人情報の閲覧", "person.search": "検索結果・一覧に表示",
        "person.export": "本人情報の出力", "person.edit": "本人情報の変更",
        "person.create": "本人の登録",
        "person.consent.record": "本人同意の記録", "person.consent.withdraw": "本人同意の撤回",
        "person.consent.file": "同意書ファイルの閲覧", "person.restriction.set": "閲覧制限の設定",
        "person.grants.view": "閲覧の根拠の確認", "person.disclosure.view": "開示記録の閲覧",
        "person.disclosure.export": "開示記録の出力", "person.emergency": "緊急アクセスの申請",
        "person.emergency.review": "緊急アクセスの事後確認",
        "person.match.decide": "名寄せの判断", "person.match.unmerge": "名寄せ（統合）の解除",
        "search": "検索結果に表示（旧）",
    },
    models=[Grant, EmergencyReview],
)
