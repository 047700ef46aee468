"""CaseGrant rows (reach over a case on a legal basis, written by meetings) and
``SupportPlan.meeting`` as a real foreign key (was a bare integer ``meeting_id``).

The integer column is renamed, the foreign key added under the old column name, the ids
copied where the meeting still exists (else NULL), and the integer column dropped."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def copy_meeting_ids(apps, schema_editor):
    SupportPlan = apps.get_model("cases", "SupportPlan")
    Meeting = apps.get_model("meetings", "Meeting")
    existing = set(Meeting.objects.values_list("pk", flat=True))
    for plan in SupportPlan.objects.exclude(legacy_meeting_id=None).only("pk", "legacy_meeting_id"):
        if plan.legacy_meeting_id in existing:
            SupportPlan.objects.filter(pk=plan.pk).update(meeting_id=plan.legacy_meeting_id)


def copy_back(apps, schema_editor):
    SupportPlan = apps.get_model("cases", "SupportPlan")
    for plan in SupportPlan.objects.exclude(meeting_id=None).only("pk", "meeting_id"):
        SupportPlan.objects.filter(pk=plan.pk).update(legacy_meeting_id=plan.meeting_id)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('cases', '0003_monitoring_goals_involvement_end'),
        ('meetings', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name='supportplan',
            old_name='meeting_id',
            new_name='legacy_meeting_id',
        ),
        migrations.AddField(
            model_name='supportplan',
            name='meeting',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='meetings.meeting', verbose_name='承認した会議'),
        ),
        migrations.RunPython(copy_meeting_ids, copy_back),
        migrations.RemoveField(
            model_name='supportplan',
            name='legacy_meeting_id',
        ),
        migrations.CreateModel(
            name='CaseGrant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(choices=[('view', 'ケースの閲覧'), ('refer', '本人同意なしのつなぎ（法106条の6）')], max_length=10, verbose_name='目的')),
                ('basis', models.CharField(max_length=20, verbose_name='法的根拠')),
                ('valid_from', models.DateTimeField(default=django.utils.timezone.now, verbose_name='有効開始')),
                ('valid_until', models.DateTimeField(blank=True, null=True, verbose_name='有効期限')),
                ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='終了日時')),
                ('end_reason', models.CharField(blank=True, max_length=300, verbose_name='終了理由')),
                ('source_type', models.CharField(max_length=40, verbose_name='根拠の記録')),
                ('source_id', models.CharField(max_length=64, verbose_name='根拠の記録ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='grants', to='cases.case')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.municipality')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organization', verbose_name='組織')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='利用者')),
            ],
            options={
                'verbose_name': 'ケースの閲覧根拠',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['organization', 'purpose', 'case'], name='casegrant_org_case'), models.Index(fields=['source_type', 'source_id'], name='casegrant_source')],
            },
        ),
    ]
