"""支援会議 (法106条の6), 重層的支援会議 and designated field meetings (issue 7); network
meetings (推進会議 / 福祉のまちづくり委員会 per 圏域 / 庁内連携会議, issue 18).

MeetingBody → Meeting → Attendee (+ Pledge 守秘義務誓約) → AgendaItem (a case, the presenting
organization and its question; minutes per item) → Decision (flows into the case through
``cases`` services). A network meeting holds no personal data: its body lists members
(``BodyMember``), the meeting keeps a theme, minutes, decisions and attendance, and it can never
hold a case item (``AgendaItem.clean``, the service, and a database trigger of migration 0004).
Written only by ``meetings.services``; models keep read-only properties.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from kasane.core.wareki import format_wareki


class MeetingType(models.TextChoices):
    """The type a body counts as (contract codes of GET /api/v1/meetings)."""

    SUPPORT = "support_meeting", "支援会議（法106条の6）"
    MULTILAYER = "multilayer_meeting", "重層的支援会議"
    PROMOTION = "promotion_council", "相談支援包括化推進会議"
    AREA_COMMITTEE = "area_committee", "福祉のまちづくり委員会"
    INTRA_OFFICE = "intra_office", "庁内連携会議"


# Network meetings: no personal data, never a case on the agenda, counted for the reports.
NETWORK_TYPES: tuple[str, ...] = (MeetingType.PROMOTION, MeetingType.AREA_COMMITTEE,
                                  MeetingType.INTRA_OFFICE)
CASE_TYPES: tuple[str, ...] = (MeetingType.SUPPORT, MeetingType.MULTILAYER)
NOT_FOR_CASES = "ネットワーク会議（推進会議・まちづくり委員会・庁内連携会議）には個別のケースを議題にできません。"


DEFAULT_REVIEW_DAYS = 30
PLEDGE_TEXT = ("社会福祉法第106条の6第5項に基づき、本会議の事務に関して知り得た秘密を漏らしません。"
               "会議資料を目的外に利用・複製・持ち出しせず、閲覧期間の終了後は閲覧しません。")


class MeetingBody(models.Model):
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    name = models.CharField("会議体の名称", max_length=100)
    type = models.CharField("位置付け", max_length=20, choices=MeetingType.choices)
    designated_from = models.CharField(
        "既存の会議体", max_length=100, blank=True,
        help_text="地域ケア会議・自立支援協議会など、既存の会議体を位置付ける場合の名称")
    legal_basis = models.TextField("法的根拠", max_length=1000, blank=True)
    organizer = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                  related_name="+", verbose_name="事務局")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="圏域",
                             help_text="福祉のまちづくり委員会は日常生活圏域ごとに1つ")
    review_days = models.PositiveSmallIntegerField(
        "会議後の閲覧期間（日）", default=DEFAULT_REVIEW_DAYS,
        help_text="会議の日から、誓約した構成員がケースを閲覧できる日数")
    standing_orgs = models.ManyToManyField("accounts.Organization", blank=True, related_name="+",
                                           verbose_name="構成機関")
    standing_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                            related_name="+", verbose_name="構成員")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "会議体"
        ordering = ["type", "name", "id"]
        constraints = [models.UniqueConstraint(
            fields=["area"], condition=models.Q(type="area_committee", is_active=True),
            name="one_area_committee_per_area")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_designated(self) -> bool:
        return bool(self.designated_from)

    @property
    def is_network(self) -> bool:
        return self.type in NETWORK_TYPES


class BodyMember(models.Model):
    """A member of a network body (委員: 自治会, 民生委員協議会, 事業所 … by name and affiliation)."""

    body = models.ForeignKey(MeetingBody, on_delete=models.CASCADE, related_name="members")
    name = models.CharField("氏名", max_length=100)
    affiliation = models.CharField("所属・役職", max_length=100, blank=True)
    order = models.PositiveSmallIntegerField("順番", default=1)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "会議体の委員"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"委員#{self.pk}"


class Meeting(models.Model):
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    body = models.ForeignKey(MeetingBody, on_delete=models.PROTECT, related_name="meetings",
                             verbose_name="会議体")
    starts_at = models.DateTimeField("開始日時")
    ends_at = models.DateTimeField("終了日時", null=True, blank=True)
    place = models.CharField("場所", max_length=200, blank=True)
    online = models.BooleanField("オンライン併用", default=False)
    # the end of the review window: members keep access until then (set by the services)
    window_ends_at = models.DateTimeField("閲覧期間の終了")
    minutes_approved_at = models.DateTimeField("議事録の確定日時", null=True, blank=True)
    minutes_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                            null=True, blank=True, related_name="+")
    # network meetings (no personal data): theme, minutes, decisions and who attended
    theme = models.CharField("テーマ", max_length=200, blank=True)
    minutes = models.TextField("議事録", max_length=8000, blank=True)
    decisions = models.TextField("決定事項", max_length=4000, blank=True)
    attendance_count = models.PositiveSmallIntegerField("出席者数", null=True, blank=True)
    present_members = models.ManyToManyField(BodyMember, blank=True, related_name="+",
                                             verbose_name="出席した委員")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "会議"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["municipality", "starts_at"], name="meeting_muni_start"),
                   models.Index(fields=["window_ends_at"], name="meeting_window")]

    def __str__(self) -> str:
        return f"{self.body.name} {format_wareki(timezone.localtime(self.starts_at).date())}"

    @property
    def type(self) -> str:
        return self.body.type

    @property
    def is_network(self) -> bool:
        return self.body.type in NETWORK_TYPES

    @property
    def is_support(self) -> bool:
        return self.body.type == MeetingType.SUPPORT

    @property
    def minutes_approved(self) -> bool:
        return self.minutes_approved_at is not None

    def window_open(self, at: dt.datetime | None = None) -> bool:
        return self.window_ends_at > (at or timezone.now())

    def is_past(self, at: dt.datetime | None = None) -> bool:
        return (self.ends_at or self.starts_at) < (at or timezone.now())


class Pledge(models.Model):
    """守秘義務誓約: per meeting (meeting set) or, for standing members, once a fiscal year."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    body = models.ForeignKey(MeetingBody, on_delete=models.PROTECT, related_name="pledges")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="pledges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    text = models.TextField("誓約文")
    signed_at = models.DateTimeField("誓約日時", default=timezone.now)
    valid_until = models.DateTimeField("有効期限")

    class Meta:
        verbose_name = "守秘義務誓約"
        ordering = ["-signed_at", "-id"]

    def __str__(self) -> str:
        return f"誓約#{self.pk}"

    @property
    def is_annual(self) -> bool:
        return self.meeting_id is None


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    is_standing = models.BooleanField("構成員", default=False)
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="attendees")

    class Meta:
        verbose_name = "出席者"
        ordering = ["-is_standing", "organization__name", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"],
                                               name="attendee_unique")]

    def __str__(self) -> str:
        return f"出席者#{self.pk}"

    @property
    def is_pledged(self) -> bool:
        return self.pledge_id is not None


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField("順番", default=1)
    title = models.CharField("議題名", max_length=100,
                             help_text="誓約前の出席者にも見えます。氏名や住所は書かないでください。")
    presenting_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                       related_name="+", verbose_name="提出機関")
    question = models.TextField("検討したいこと", max_length=2000)
    minutes = models.TextField("議事録", max_length=8000, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "議題"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"],
                                               name="agenda_case_unique")]

    def __str__(self) -> str:
        return f"議題#{self.pk}"

    def clean(self) -> None:
        """A network meeting never holds a case (also a database trigger, migration 0004)."""
        if self.meeting_id and MeetingBody.objects.filter(
                meetings__pk=self.meeting_id, type__in=NETWORK_TYPES).exists():
            raise ValidationError({"case": NOT_FOR_CASES})


class DecisionKind(models.TextChoices):
    PLAN_APPROVED = "plan_approved", "支援プランの承認"
    ROLES_ASSIGNED = "roles_assigned", "役割分担・主担当の決定"
    NEXT_REVIEW = "next_review", "次回の見直し日"
    CLOSURE_APPROVED = "closure_approved", "終結の承認"
    REFERRED = "referred", "他の会議体への付議"


MULTILAYER_ONLY = (DecisionKind.PLAN_APPROVED, DecisionKind.CLOSURE_APPROVED)


class Decision(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField("決定の種類", max_length=20, choices=DecisionKind.choices)
    text = models.CharField("内容", max_length=500)
    plan = models.ForeignKey("cases.SupportPlan", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    lead_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    lead_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    review_on = models.DateField("次回見直し日", null=True, blank=True)
    referred_body = models.ForeignKey(MeetingBody, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "決定事項"
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"決定#{self.pk}"


class PrintKind(models.TextChoices):
    PACK = "pack", "会議資料"
    MINUTES = "minutes", "議事録"


class PrintRecord(models.Model):
    """Who printed (downloaded) a meeting pack or the minutes, and when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="prints")
    kind = models.CharField(max_length=10, choices=PrintKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    printed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "印刷記録"
        ordering = ["-printed_at", "-id"]

    def __str__(self) -> str:
        return f"印刷#{self.pk}"
