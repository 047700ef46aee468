"""参加支援 (participation support) and 人材バンク (volunteer pool).

On a case: the person's ``Wish`` (やりたいこと, 参加の形, 曜日・時間帯, 圏域, 配慮), ``Match`` — a
proposal to a place (受入打診) and its way through answer, trial, start and end — and the
``FollowUp`` visits of 定着支援 (planned at start from ``FollowUpPlan``, recorded with an outcome).
人材バンク: ``Volunteer`` (volunteers and 福祉カレッジ graduates, registered by the 社協), a place's
``HelpRequest``, ``Assignment`` of a volunteer to a place, ``CompanionNote`` (CSW 伴走) and
``HoursLog``. State changes live in ``services``; models keep read-only properties.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


def _days_default() -> list[int]:
    return [7, 30, 90]


class Role(models.TextChoices):
    """参加の形 (the sheet's ``role_wanted`` codes)."""

    ATTEND = "attend", "居場所"
    ROLE = "role", "役割・活動者"
    VOLUNTEER = "volunteer", "ボランティア"
    WORK_TRIAL = "work_trial", "就労体験"
    WORK = "work", "就労"
    LEARNING = "learning", "学び"


class Day(models.TextChoices):
    MON = "mon", "月"
    TUE = "tue", "火"
    WED = "wed", "水"
    THU = "thu", "木"
    FRI = "fri", "金"
    SAT = "sat", "土"
    SUN = "sun", "日"


class TimeBand(models.TextChoices):
    AM = "am", "午前"
    PM = "pm", "午後"
    EVENING = "evening", "夜間"


class Transport(models.TextChoices):
    WALK = "walk", "徒歩"
    BICYCLE = "bicycle", "自転車"
    PUBLIC = "public", "公共交通"
    ESCORT = "escort", "同行・送迎"


class FollowUpPlan(models.Model):
    """A municipality's 定着支援 schedule: days after the start (default 1 week, 1 month, 3 months)."""

    municipality = models.OneToOneField("accounts.Municipality", on_delete=models.CASCADE,
                                        related_name="+")
    days = models.JSONField("開始からの日数", default=_days_default)

    class Meta:
        verbose_name = "定着支援の予定"

    def __str__(self) -> str:
        return f"定着支援の予定#{self.pk}"


class Wish(models.Model):
    """The person's wishes and conditions on a case (one per case and person)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    wants = models.TextField("やりたいこと")
    strengths = models.TextField("得意なこと", blank=True)
    roles = models.JSONField("参加の形", default=list)
    kinds = models.JSONField("場の種類", default=list, blank=True)
    days = models.JSONField("曜日", default=list, blank=True)
    time_bands = models.JSONField("時間帯", default=list, blank=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="圏域")
    transport = models.CharField("移動手段", max_length=10, choices=Transport.choices, blank=True)
    needs_accessibility = models.BooleanField("バリアフリーが必要", default=False)
    needs_escort = models.BooleanField("送迎が必要", default=False)
    max_cost = models.PositiveIntegerField("費用の上限（円）", null=True, blank=True)
    considerations = models.TextField("配慮事項", blank=True)
    source_record_id = models.BigIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_by_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                       related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "参加の希望"
        constraints = [models.UniqueConstraint(fields=["case", "person"],
                                               name="participation_wish_case_person")]

    def __str__(self) -> str:
        return f"参加の希望#{self.pk}"


class Stage(models.TextChoices):
    PROPOSED = "proposed", "受入打診中"
    ON_HOLD = "on_hold", "保留"
    ACCEPTED = "accepted", "受入可"
    DECLINED = "declined", "受入不可"
    TRIAL = "trial", "体験中"
    STARTED = "started", "参加中"
    ENDED = "ended", "終了"
    WITHDRAWN = "withdrawn", "取下げ"


OPEN_STAGES = (Stage.PROPOSED, Stage.ON_HOLD, Stage.ACCEPTED, Stage.TRIAL, Stage.STARTED)
# Stages in which the person holds a seat at the place (current participants counted).
SEATED_STAGES = (Stage.STARTED,)


class Answer(models.TextChoices):
    ACCEPTED = "accepted", "受入可"
    DECLINED = "declined", "不可"
    ON_HOLD = "on_hold", "保留"


class AnswerVia(models.TextChoices):
    SYSTEM = "system", "受入先がシステムで回答"
    PHONE = "phone", "電話"
    PAPER = "paper", "書面"
    VISIT = "visit", "訪問・面談"


class EndReason(models.TextChoices):
    """終了の理由 (the sheet's ``end_reason`` codes); ``settled`` / ``moved_on`` are 前向きな終了."""

    SETTLED = "settled", "定着"
    MOVED_ON = "moved_on", "就労等へ"
    DECLINED = "declined", "辞退"
    HOST = "host", "受入先事情"
    MOVED = "moved", "転居"
    OTHER = "other", "その他"
    INTERRUPTED = "interrupted", "中断"
    ELSEWHERE = "elsewhere", "別の場へ"


POSITIVE_ENDS = (EndReason.SETTLED, EndReason.MOVED_ON)


class Match(models.Model):
    """A proposal of a place to the person (受入打診) and what followed."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey("resources.Place", on_delete=models.PROTECT,
                              related_name="participation_matches", verbose_name="参加先")
    stage = models.CharField("段階", max_length=10, choices=Stage.choices,
                             default=Stage.PROPOSED)
    role = models.CharField("参加の形", max_length=12, choices=Role.choices, blank=True)
    reasons = models.JSONField("提案の理由", default=list, blank=True)
    note = models.TextField("打診の内容", blank=True)
    proposed_on = models.DateField("打診日")
    # Shared with the place's organization (accounts) under the person's participation consent.
    host_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name="受入先の組織")
    consent = models.ForeignKey("people.Consent", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    answer = models.CharField("回答", max_length=10, choices=Answer.choices, blank=True)
    answer_on = models.DateField("回答日", null=True, blank=True)
    answer_via = models.CharField("回答の方法", max_length=10, choices=AnswerVia.choices,
                                  blank=True)
    answer_note = models.CharField("回答の条件・メモ", max_length=500, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    trial_on = models.DateField("体験日", null=True, blank=True)
    started_on = models.DateField("開始日", null=True, blank=True)
    ended_on = models.DateField("終了日", null=True, blank=True)
    end_reason = models.CharField("終了の理由", max_length=12, choices=EndReason.choices,
                                  blank=True)
    source_record_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_by_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                       related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "参加支援（受入打診）"
        ordering = ["-proposed_on", "-id"]
        indexes = [models.Index(fields=["municipality", "stage"]),
                   models.Index(fields=["host_org", "stage"])]

    def __str__(self) -> str:
        return f"参加支援#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def shared_with_host(self) -> bool:
        return self.host_org_id is not None and self.consent_id is not None


class Outcome(models.TextChoices):
    CONTINUE = "continue", "継続"
    INTERRUPTED = "interrupted", "中断"
    ELSEWHERE = "elsewhere", "別の場へ"


class Condition(models.TextChoices):
    """様子 (the sheet's ``state`` codes)."""

    STABLE = "stable", "安定"
    ISSUE = "issue", "課題あり"
    PAUSED = "paused", "休止"


class FollowUp(models.Model):
    """A 定着支援 visit: planned at the start (``due_on``), recorded (``on``) with an outcome."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField("予定日", null=True, blank=True)
    on = models.DateField("実施日", null=True, blank=True)
    method = models.CharField("方法", max_length=12, blank=True)
    condition = models.CharField("様子", max_length=10, choices=Condition.choices, blank=True)
    outcome = models.CharField("結果", max_length=12, choices=Outcome.choices, blank=True)
    host_support = models.CharField("受入先への支援", max_length=500, blank=True)
    note = models.TextField("内容", blank=True)
    next_on = models.DateField("次回", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    recorded_by_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+")
    source_record_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "定着支援"
        ordering = ["match_id", "due_on", "on", "id"]

    def __str__(self) -> str:
        return f"定着支援#{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.on is not None


# --- 人材バンク ----------------------------------------------------------------------------

class VolunteerKind(models.TextChoices):
    VOLUNTEER = "volunteer", "ボランティア"
    GRADUATE = "graduate", "福祉カレッジ修了生"


class Volunteer(models.Model):
    """A volunteer or 福祉カレッジ graduate registered by an organization (the 社協): personal
    data — seen by that organization's members and the tenant's 推進員 (``policy``)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    registered_by_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                          related_name="+", verbose_name="登録した組織")
    kind = models.CharField("区分", max_length=10, choices=VolunteerKind.choices,
                            default=VolunteerKind.VOLUNTEER)
    name = models.CharField("氏名", max_length=100)
    name_kana = models.CharField("ふりがな", max_length=100, blank=True)
    phone = models.CharField("電話", max_length=30, blank=True)
    courses = models.JSONField("受講した講座", default=list, blank=True)
    interests = models.TextField("関心のあること", blank=True)
    kinds = models.JSONField("関わりたい場の種類", default=list, blank=True)
    days = models.JSONField("曜日", default=list, blank=True)
    time_bands = models.JSONField("時間帯", default=list, blank=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="圏域")
    registered_on = models.DateField("登録日", default=timezone.localdate)
    active = models.BooleanField("活動中", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "人材バンク登録者"
        ordering = ["name_kana", "id"]

    def __str__(self) -> str:
        return f"人材バンク登録者#{self.pk}"


class HelpRequest(models.Model):
    """A place asks for helpers (担い手の募集)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    place = models.ForeignKey("resources.Place", on_delete=models.PROTECT,
                              related_name="help_requests", verbose_name="場")
    title = models.CharField("募集の内容", max_length=200)
    detail = models.TextField("詳しく", blank=True)
    days = models.JSONField("曜日", default=list, blank=True)
    time_bands = models.JSONField("時間帯", default=list, blank=True)
    wanted = models.PositiveSmallIntegerField("募集人数", default=1)
    is_open = models.BooleanField("募集中", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "担い手の募集"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"担い手の募集#{self.pk}"


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", "紹介中"
    ACTIVE = "active", "活動中"
    ENDED = "ended", "終了"


class Assignment(models.Model):
    """A volunteer matched to a place (answering a help request or not)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="assignments")
    place = models.ForeignKey("resources.Place", on_delete=models.PROTECT, related_name="+")
    help_request = models.ForeignKey(HelpRequest, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="assignments")
    status = models.CharField("状態", max_length=10, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.PROPOSED)
    started_on = models.DateField("開始日", null=True, blank=True)
    ended_on = models.DateField("終了日", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "人材バンクの活動先"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"活動先#{self.pk}"


class CompanionNote(models.Model):
    """CSW 伴走 note about a volunteer's activity."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="notes")
    on = models.DateField("日付")
    text = models.TextField("内容")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = "伴走メモ"
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"伴走メモ#{self.pk}"


class HoursLog(models.Model):
    """Hours a volunteer contributed on a day (at a place when known)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="hours")
    place = models.ForeignKey("resources.Place", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    on = models.DateField("日付")
    hours = models.DecimalField("時間", max_digits=5, decimal_places=2)
    note = models.CharField("メモ", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = "活動時間"
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"活動時間#{self.pk}"
