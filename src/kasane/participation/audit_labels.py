"""Labels of the audit codes participation writes (``participation.*``) and its models."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import (
    Assignment,
    CompanionNote,
    FollowUp,
    FollowUpPlan,
    HelpRequest,
    HoursLog,
    Match,
    Volunteer,
    Wish,
)

register(
    area="参加支援",
    actions={
        "participation.match.view": "参加支援の閲覧",
        "participation.match.list": "参加支援の一覧",
        "participation.match.inbox": "受入打診の一覧（受入先）",
        "participation.match.answer": "受入打診への回答",
        "participation.match.write": "参加支援の記録",
        "participation.wish.view": "参加の希望の閲覧",
        "participation.suggest": "参加先の候補の表示",
        "participation.volunteer.view": "人材バンク登録者の閲覧",
        "participation.volunteer.list": "人材バンクの一覧",
        "participation.volunteer.write": "人材バンクの記録",
        "case.participation": "参加支援でのケースの閲覧",
    },
    models=[Wish, Match, FollowUp, FollowUpPlan, Volunteer, HelpRequest, Assignment,
            CompanionNote, HoursLog],
)
