"""Backfill CaseGrant rows for meetings whose review window is still open: what the start-up
hooks computed before (a pledged attendee's reach over the agenda's cases; a 支援会議's
attending organizations may receive a つなぎ without consent) becomes data."""

from django.db import migrations
from django.utils import timezone


def backfill(apps, schema_editor):
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    Attendee = apps.get_model("meetings", "Attendee")
    CaseGrant = apps.get_model("cases", "CaseGrant")
    now = timezone.now()
    for item in AgendaItem.objects.filter(meeting__window_ends_at__gt=now).select_related(
            "meeting", "meeting__body"):
        meeting = item.meeting
        support = meeting.body.type == "support_meeting"
        attendees = list(Attendee.objects.filter(meeting=meeting).select_related("pledge"))
        common = {"municipality_id": meeting.municipality_id, "case_id": item.case_id,
                  "valid_until": meeting.window_ends_at, "source_type": "meeting",
                  "source_id": str(meeting.pk)}
        for a in attendees:
            if a.pledge_id is None:
                continue
            CaseGrant.objects.get_or_create(
                organization_id=a.organization_id, user_id=a.user_id, purpose="view",
                ended_at=None, **common,
                defaults={"basis": "support_meeting" if support else "consent",
                          "valid_from": min(a.pledge.signed_at, now)})
        if support:
            for org_id in {a.organization_id for a in attendees}:
                CaseGrant.objects.get_or_create(
                    organization_id=org_id, user_id=None, purpose="refer", ended_at=None,
                    **common, defaults={"basis": "support_meeting", "valid_from": now})


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_casegrant_supportplan_meeting'),
        ('meetings', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
