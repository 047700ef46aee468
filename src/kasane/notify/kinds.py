"""Notification kinds: a code, its Japanese label and which channels are on by default.

Titles are fixed per kind (no personal data); what a notification is about is linked, and a
name is shown only at read time through the visibility policies.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    email_default: bool = False


KINDS: dict[str, Kind] = {k.code: k for k in [
    Kind("referral_received", "つなぎの依頼が届いた", email_default=True),
    Kind("referral_answered", "つなぎに回答があった"),
    Kind("referral_overdue", "つなぎの回答期限を過ぎた"),
    Kind("sheet_received", "つなぐシートが届いた", email_default=True),
    Kind("plan_review_due", "支援プランの見直し時期"),
    Kind("check_due", "見守りの次回確認日"),
    Kind("meeting_soon", "会議が近い（守秘の誓約がまだ）"),
    Kind("match_queued", "名寄せ候補が届いた"),
    Kind("emergency_review", "緊急アクセスの事後確認待ち", email_default=True),
    Kind("role_request", "役割付与の承認待ち", email_default=True),
    Kind("export_finished", "出力ファイルの作成が終わった"),
    Kind("import_finished", "取込の確認・取込が終わった"),
    Kind("alert", "緊急案件", email_default=True),
    Kind("alert_update", "緊急案件の経過"),
    Kind("watch_report", "見守りの気づきが届いた", email_default=True),
    Kind("placement_proposed", "受入打診が届いた（参加支援）", email_default=True),
    Kind("placement_answered", "受入打診に回答があった（参加支援）"),
]}

LABELS = {code: kind.label for code, kind in KINDS.items()}


def label(code: str) -> str:
    return LABELS.get(code, code)
