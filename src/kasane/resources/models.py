"""The resource directory (社会資源, issue 17): providers and the places people can go.

``Provider`` is an Open Referral HSDS *organization* (a directory entry, not an
``accounts.Organization``, though one may be linked). ``Place`` is what our users call a
居場所: one HSDS *service* at one *location* (with its ``service_at_location``), so export and
import are lossless: every stored field has a fixed HSDS column (docs/resources.md).
``PlaceSchedule`` rows are HSDS *schedules*. ``PlaceChange`` stages a change proposed by a
returned 居場所調査 sheet until 社協 accepts or rejects it.

No personal data: a place's contact is the place's own, never a resident's. Written only by
``resources.services``; models keep read-only properties.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class PlaceKind(models.TextChoices):
    IBASHO = "ibasho", "居場所"
    WORK_TRIAL = "work_trial", "就労体験"
    VOLUNTEER = "volunteer", "ボランティア"
    SALON = "salon", "サロン"
    KODOMO_SHOKUDO = "kodomo_shokudo", "子ども食堂"
    LEARNING = "learning", "学習支援"
    EMPLOYMENT = "employment", "就労"
    OTHER = "other", "その他"


class PlaceRole(models.TextChoices):
    """What a person can take at a place (参加 / 役割 / 就労体験 / 就労)."""

    PARTICIPATION = "participation", "参加"
    ROLE = "role", "役割"
    WORK_TRIAL = "work_trial", "就労体験"
    WORK = "work", "就労"


class PlaceStatus(models.TextChoices):
    DRAFT = "draft", "下書き"
    PUBLISHED = "published", "公開中"
    CLOSED = "closed", "休止・終了"


class Weekday(models.TextChoices):
    """HSDS ``byday`` codes (iCalendar)."""

    MO = "MO", "月"
    TU = "TU", "火"
    WE = "WE", "水"
    TH = "TH", "木"
    FR = "FR", "金"
    SA = "SA", "土"
    SU = "SU", "日"


class Provider(models.Model):
    """An HSDS organization: who runs places (NPO, 社協, 町内会, 事業所 …)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    hsds_id = models.UUIDField("HSDS ID", default=uuid.uuid4, editable=False)
    name = models.CharField("団体名", max_length=150)
    description = models.TextField("紹介", max_length=2000, blank=True)
    email = models.EmailField("メール", blank=True)
    url = models.URLField("ウェブサイト", blank=True)
    phone = models.CharField("電話", max_length=30, blank=True)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name="システム上の組織")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "運営団体"
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "hsds_id"],
                                    name="provider_hsds_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """A place to belong: one HSDS service at one location, with capacity and conditions."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="places",
                                 verbose_name="運営団体")
    hsds_service_id = models.UUIDField("HSDS service ID", default=uuid.uuid4, editable=False)
    hsds_location_id = models.UUIDField("HSDS location ID", default=uuid.uuid4, editable=False)
    name = models.CharField("名称", max_length=150)
    kind = models.CharField("種類", max_length=20, choices=PlaceKind.choices)
    description = models.TextField("内容", max_length=2000, blank=True)
    # location
    address = models.CharField("所在地", max_length=200, blank=True)
    address_key = models.CharField(max_length=200, blank=True, editable=False)
    area = models.ForeignKey("areas.Area", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", editable=False, verbose_name="日常生活圏域")
    latitude = models.DecimalField("緯度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("経度", max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    # when (rows in PlaceSchedule; free text for what rows cannot say)
    schedule_note = models.CharField("日時の補足", max_length=300, blank=True,
                                     help_text="例：第2・第4土曜日、祝日は休み")
    # how many
    capacity = models.PositiveIntegerField("定員", null=True, blank=True,
                                           help_text="空欄は定員なし")
    current_participants = models.PositiveIntegerField("現在の参加者数", default=0)
    # conditions
    age_min = models.PositiveSmallIntegerField("対象年齢（下限）", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("対象年齢（上限）", null=True, blank=True)
    eligibility = models.CharField("対象・参加の条件", max_length=300, blank=True)
    accessibility = models.CharField("バリアフリー・配慮", max_length=300, blank=True)
    cost = models.CharField("費用", max_length=200, blank=True, help_text="例：無料、1回100円")
    pickup = models.BooleanField("送迎あり", default=False)
    pickup_note = models.CharField("送迎の補足", max_length=200, blank=True)
    # roles a person can take there
    offers_participation = models.BooleanField("参加", default=True)
    offers_role = models.BooleanField("役割", default=False)
    offers_work_trial = models.BooleanField("就労体験", default=False)
    offers_work = models.BooleanField("就労", default=False)
    # contact of the place (never a resident's)
    contact_name = models.CharField("窓口（担当）", max_length=100, blank=True)
    phone = models.CharField("電話", max_length=30, blank=True)
    email = models.EmailField("メール", blank=True)
    url = models.URLField("ウェブサイト", blank=True)
    # review
    status = models.CharField("状態", max_length=10, choices=PlaceStatus.choices,
                              default=PlaceStatus.DRAFT)
    last_verified_on = models.DateField("最終確認日", null=True, blank=True)
    # history for the national figures (P4-3 受入先の新規開拓, P5-1 拠点・居場所, P5-4 創出)
    opened_on = models.DateField("開設日", null=True, blank=True,
                                 help_text="空欄のときはこのシステムに登録した日を開設日とみなします。")
    closed_on = models.DateField("休止・終了日", null=True, blank=True,
                                 help_text="休止・終了にしたとき自動で入ります（過去の年度の集計に使います）。")
    developed_on = models.DateField("参加支援で新規開拓した日", null=True, blank=True,
                                    help_text="参加支援の受入先として新たに開拓した場なら、その日。"
                                              "国への報告「新規開拓数」と「創出された社会資源数」に数えます。")
    published_at = models.DateTimeField("公開日時", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "社会資源（場）"
        ordering = ["municipality", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "hsds_service_id", "hsds_location_id"],
                                    name="place_hsds_unique"),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True)
                | models.Q(capacity__gte=models.F("current_participants")),
                name="place_capacity_covers_participants"),
        ]
        indexes = [models.Index(fields=["municipality", "status", "area"], name="place_listing")]

    def __str__(self) -> str:
        return self.name

    @property
    def vacancies(self) -> int | None:
        """Free seats; None when the place has no capacity (定員なし)."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.current_participants, 0)

    @property
    def is_full(self) -> bool:
        return self.vacancies == 0

    @property
    def roles(self) -> list[str]:
        """The PlaceRole codes offered, in PlaceRole order."""
        flags = {PlaceRole.PARTICIPATION: self.offers_participation,
                 PlaceRole.ROLE: self.offers_role,
                 PlaceRole.WORK_TRIAL: self.offers_work_trial,
                 PlaceRole.WORK: self.offers_work}
        return [role.value for role, on in flags.items() if on]

    def offers(self, role: str) -> bool:
        return role in self.roles

    @property
    def hsds_service_at_location_id(self) -> uuid.UUID:
        """Derived, so the same place always exports the same service_at_location id."""
        return uuid.uuid5(self.hsds_service_id, str(self.hsds_location_id))


ROLE_FIELDS = {
    PlaceRole.PARTICIPATION.value: "offers_participation",
    PlaceRole.ROLE.value: "offers_role",
    PlaceRole.WORK_TRIAL.value: "offers_work_trial",
    PlaceRole.WORK.value: "offers_work",
}


class PlaceSchedule(models.Model):
    """A weekly opening of a place (HSDS schedule, freq WEEKLY)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="schedules")
    hsds_id = models.UUIDField(default=uuid.uuid4, editable=False)
    weekday = models.CharField("曜日", max_length=2, choices=Weekday.choices)
    opens_at = models.TimeField("開始", null=True, blank=True)
    closes_at = models.TimeField("終了", null=True, blank=True)
    note = models.CharField("補足", max_length=100, blank=True)

    class Meta:
        verbose_name = "開催日時"
        ordering = ["place", "id"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at or ''}–{self.closes_at or ''}"


class ChangeSource(models.TextChoices):
    SURVEY_EXCEL = "survey_excel", "居場所調査票（Excel）"
    SURVEY_LOGO = "survey_logo", "居場所調査（LoGoフォーム CSV）"
    HSDS = "hsds", "HSDS 取込"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "確認待ち"
    ACCEPTED = "accepted", "反映済み"
    REJECTED = "rejected", "却下"


class PlaceChange(models.Model):
    """Changes to one place proposed by a returned survey sheet, staged until 社協 decides.

    ``changes`` maps a field name to ``{"old": …, "new": …}`` (JSON values as shown in the
    sheet); ``publish`` says whether accepting also publishes the place.
    """

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="changes")
    source = models.CharField("取込元", max_length=20, choices=ChangeSource.choices)
    file_name = models.CharField("ファイル名", max_length=200, blank=True)
    changes = models.JSONField("変更内容", default=dict)
    verified_on = models.DateField("確認日", null=True, blank=True)
    status = models.CharField("状態", max_length=10, choices=ChangeStatus.choices,
                              default=ChangeStatus.PENDING)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "変更の提案"
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["municipality", "status"], name="place_change_queue")]

    def __str__(self) -> str:
        return f"{self.place} ({self.get_status_display()})"
