"""Labels of the audit codes meetings writes: ``meeting.<action>`` (``meetings.policy``) and
the agenda cases read through ``cases.policy`` (``case.meeting.*``)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import (
    AgendaItem,
    Attendee,
    BodyMember,
    Decision,
    Meeting,
    MeetingBody,
    Pledge,
    PrintRecord,
)

register(
    area="会議",
    actions={
        "meeting.view": "会議の閲覧", "meeting.create": "会議の登録", "meeting.update": "会議の変更",
        "meeting.body.create": "会議体の設置", "meeting.pledge": "守秘義務の誓約",
        "meeting.attendee.add": "出席者の追加", "meeting.agenda.add": "議題の追加",
        "meeting.agenda.remove": "議題の取下げ", "meeting.item.view": "議題の閲覧",
        "meeting.minutes": "議事録の記入", "meeting.minutes.approve": "議事録の確定",
        "meeting.decision": "決定事項の記録", "meeting.print.pack": "会議資料の印刷",
        "meeting.print.minutes": "議事録の印刷",
        "meeting.member.add": "会議体の委員の登録", "meeting.network.record": "ネットワーク会議の記録",
        "case.meeting.view": "会議でのケースの閲覧", "case.meeting.agenda": "議題にするケースの確認",
        "case.meeting.print": "会議資料でのケースの印刷",
    },
    models=[MeetingBody, BodyMember, Meeting, Pledge, Attendee, AgendaItem, Decision, PrintRecord],
)
