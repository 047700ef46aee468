"""Labels of the audit codes 地域づくり writes (``community.<action>``, ``community.policy``)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import (
    Activity,
    AreaContact,
    AreaIssue,
    HubLog,
    IssueAction,
    Watcher,
    WatchReport,
)

register(
    area="地域づくり",
    actions={
        "community.view": "地域づくりの閲覧", "community.issue.view": "地域課題の閲覧",
        "community.issue.create": "地域課題の登録", "community.issue.update": "地域課題の更新",
        "community.issue.status": "地域課題の状態変更", "community.issue.action": "地域課題の取組の記録",
        "community.activity.create": "活動の記録", "community.hub.log": "拠点の日誌",
        "community.watcher.create": "見守りの担い手の登録", "community.contact.add": "圏域の担当者の指定",
        "community.report.create": "気づきの登録", "community.report.view": "気づきの閲覧",
        "community.report.handle": "気づきの対応", "community.report.import": "気づきの取込",
        "community.boundary.import": "圏域の境界の取込",
        "community.issue.list": "地域課題の一覧", "community.activity.list": "活動の一覧",
        "community.hub.list": "拠点の一覧", "community.watch.view": "見守りのネットワークの閲覧",
        "community.map.view": "支え合いマップの閲覧",
    },
    models=[AreaIssue, IssueAction, Activity, HubLog, Watcher, AreaContact, WatchReport],
)
