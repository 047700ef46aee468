"""地域づくり (issue 18): 地域課題, community activities and events, 拠点 logs, 見守り network.

None of it is about a resident by name: 地域課題 and activities are counts and themes,
拠点 logs are counts by age band, 見守り helpers are registered by their own name and area,
and a 気づき report describes a concern without a resident's name (the routed CSW follows it
up; a case is opened in ``cases`` when needed). Written only by ``community.services``;
models keep read-only properties.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kasane.cases.models import ProjectTag

# ---- 地域課題 ---------------------------------------------------------------------------------


class IssueStatus(models.TextChoices):
    """Codes of the 地域課題シート's status field (definitions/area_issue.json)."""

    RECEIVED = "received", "受付"
    DISCUSSING = "discussing", "検討中"
    ACTING = "acting", "取組中"
    ESCALATED = "escalated", "協議会へ"
    RESOLVED = "resolved", "解決"
    CONTINUING = "continuing", "継続"


OPEN_ISSUE_STATUSES = (IssueStatus.RECEIVED, IssueStatus.DISCUSSING, IssueStatus.ACTING,
                       IssueStatus.ESCALATED, IssueStatus.CONTINUING)


class AreaIssue(models.Model):
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+",
                             verbose_name="圏域")
    committee = models.ForeignKey("meetings.MeetingBody", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name="担当の委員会")
    title = models.CharField("件名", max_length=200)
    description = models.TextField("内容", max_length=4000, blank=True)
    themes = models.JSONField("テーマ", default=list, blank=True)
    raised_by = models.CharField("提起者", max_length=20, blank=True)
    status = models.CharField("状態", max_length=12, choices=IssueStatus.choices,
                              default=IssueStatus.RECEIVED)
    sheet_record = models.OneToOneField("sheets.SheetRecord", on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+",
                                        verbose_name="地域課題シート")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="受付機関")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "地域課題"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "area", "status"], name="issue_area_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ISSUE_STATUSES


class IssueAction(models.Model):
    """An action taken on a 地域課題: what, when, by whom (担い手: an organization or group)."""

    issue = models.ForeignKey(AreaIssue, on_delete=models.CASCADE, related_name="actions")
    on = models.DateField("日付")
    content = models.CharField("取組の内容", max_length=500)
    owner = models.CharField("担い手", max_length=100, blank=True)
    due_on = models.DateField("期限", null=True, blank=True)
    # 協議: the 福祉のまちづくり委員会 meeting where the issue was discussed (P5-3 協議件数)
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name="協議した会議")
    # 創出: a resource this action created (origin link, P5-4 創出された社会資源数)
    resource = models.ForeignKey("resources.Place", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name="生まれた社会資源")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "地域課題の取組"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"取組#{self.pk}"


# ---- Community activities and events -----------------------------------------------------------


class ActivityKind(models.TextChoices):
    COMMUNITY_WORK = "community_work", "CSW 地域支援"
    CONSULTATION_EVENT = "consultation_event", "出張相談会"
    TRAINING = "training", "研修・養成講座"
    PUBLICITY = "publicity", "周知"


class Activity(models.Model):
    """One activity not tied to a case; ``tags`` are ``cases.ProjectTag`` codes, so one activity
    counts for several 事業."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    kind = models.CharField("種類", max_length=20, choices=ActivityKind.choices)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="圏域")
    held_on = models.DateField("実施日")
    title = models.CharField("テーマ・名称", max_length=200, blank=True)
    place = models.CharField("場所", max_length=200, blank=True)
    partners = models.CharField("一緒に取り組んだ相手", max_length=200, blank=True)
    target = models.CharField("対象", max_length=200, blank=True)
    content = models.TextField("内容", max_length=2000, blank=True)
    sessions = models.PositiveIntegerField("回数", default=1)
    participants = models.PositiveIntegerField("参加者数", default=0)
    consultations = models.PositiveIntegerField("受けた相談", default=0)
    connected = models.PositiveIntegerField("つないだ数", default=0)
    completions = models.PositiveIntegerField("修了者数", default=0)
    tags = models.JSONField("事業", default=list, blank=True)
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="+",
                                   verbose_name="この場で開始したケース")
    sheet_records = models.ManyToManyField("sheets.SheetRecord", blank=True, related_name="+",
                                           verbose_name="この場で受けた帳票")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="実施機関")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "地域づくりの活動"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["municipality", "held_on"], name="activity_muni_held")]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def tag_labels(self) -> list[str]:
        labels = dict(ProjectTag.choices)
        return [labels.get(t, t) for t in self.tags]


# ---- 拠点 daily logs --------------------------------------------------------------------------


AGE_BANDS = (("visits_children", "小学生以下"), ("visits_teens", "中高生"),
             ("visits_adults", "18〜64歳"), ("visits_elderly", "65歳以上"))


class HubLog(models.Model):
    """One day of a 拠点 (a resources.Place): counts only — no names unless a case is opened."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    place = models.ForeignKey("resources.Place", on_delete=models.PROTECT, related_name="+",
                              verbose_name="拠点")
    on = models.DateField("日付")
    visits_children = models.PositiveIntegerField("小学生以下", default=0)
    visits_teens = models.PositiveIntegerField("中高生", default=0)
    visits_adults = models.PositiveIntegerField("18〜64歳", default=0)
    visits_elderly = models.PositiveIntegerField("65歳以上", default=0)
    consultations = models.PositiveIntegerField("相談", default=0)
    connected = models.PositiveIntegerField("つないだ数", default=0)
    connected_to = models.CharField("つないだ先", max_length=300, blank=True)
    note = models.CharField("メモ", max_length=500, blank=True)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "拠点の日誌"
        ordering = ["-on", "-id"]
        constraints = [models.UniqueConstraint(fields=["place", "on"], name="hublog_place_day")]

    def __str__(self) -> str:
        return f"日誌#{self.pk}"

    @property
    def visits(self) -> int:
        return sum(getattr(self, f) for f, _ in AGE_BANDS)


# ---- 見守り network ---------------------------------------------------------------------------


class WatcherKind(models.TextChoices):
    VOLUNTEER = "volunteer", "見守り協力員"
    BUSINESS = "business", "協力事業者"
    MINSEI = "minsei", "民生委員・児童委員"


class Watcher(models.Model):
    """A 見守り helper registered per area (their own name and contact, never a resident's);
    ``user`` for the few who have an account."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+",
                             verbose_name="圏域")
    kind = models.CharField("種類", max_length=12, choices=WatcherKind.choices)
    name = models.CharField("氏名・事業者名", max_length=100)
    contact = models.CharField("連絡先", max_length=100, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name="利用者アカウント")
    is_active = models.BooleanField("活動中", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "見守りの担い手"
        ordering = ["area", "kind", "name", "id"]

    def __str__(self) -> str:
        return self.name


class AreaContact(models.Model):
    """Who receives an area's 気づき: the area's CSW or coordinator (first by order)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE,
                                   related_name="+", verbose_name="担当者")
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = "圏域の担当者"
        ordering = ["area", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["area", "membership"],
                                               name="areacontact_unique")]

    def __str__(self) -> str:
        return f"担当#{self.pk}"


class ReportChannel(models.TextChoices):
    PHONE = "phone", "電話"
    PAPER = "paper", "紙"
    FORM = "form", "インターネットのフォーム"
    VISIT = "visit", "来所・訪問"
    IMPORT = "import", "取込"


class ReportStatus(models.TextChoices):
    NEW = "new", "未対応"
    HANDLED = "handled", "対応済み"


class WatchReport(models.Model):
    """A 気づき from a helper, entered by staff and routed to the area's CSW / coordinator."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+",
                             verbose_name="圏域")
    watcher = models.ForeignKey(Watcher, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="reports", verbose_name="報告者")
    received_on = models.DateField("受けた日")
    channel = models.CharField("受け方", max_length=10, choices=ReportChannel.choices,
                               default=ReportChannel.PHONE)
    summary = models.TextField("気づきの内容", max_length=2000)
    place_hint = models.CharField("場所の目安", max_length=200, blank=True,
                                  help_text="町名・目印など。番地や氏名は書かないでください。")
    routed_to = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT,
                                  related_name="+", verbose_name="つないだ担当者")
    status = models.CharField("対応", max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.NEW)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="受けた機関")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "見守りの気づき"
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"気づき#{self.pk}"
