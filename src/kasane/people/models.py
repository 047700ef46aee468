"""Persons, households and consents (DESIGN.md §6). Written only by ``people.services``.

Match keys (``*_key``) are derived by the services from what was typed; nothing here computes
them, so a bulk import cannot forget them silently (``person_refresh_keys`` re-derives).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models


class Purpose(models.TextChoices):
    """Purposes a consent names; a grant's scope is "all" or a set of these."""

    INFORMATION_SHARING = "information_sharing", "関係機関との情報共有"
    MULTILAYER_MEETING = "multilayer_meeting", "重層的支援会議での検討"
    PARTICIPATION = "participation", "参加支援の利用"


class Sex(models.TextChoices):
    MALE = "male", "男性"
    FEMALE = "female", "女性"
    OTHER = "other", "その他"
    UNKNOWN = "unknown", "不明・回答しない"


class RestrictionKind(models.TextChoices):
    DV = "dv", "DV"
    ABUSE = "abuse", "虐待"
    STALKER = "stalker", "ストーカー"
    JUKI = "juki", "住民基本台帳の支援措置"
    OTHER = "other", "その他"


postal_code_validator = RegexValidator(r"^\d{3}-?\d{4}$", "郵便番号は「123-4567」の形で入力してください。")


class Person(models.Model):
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    family_name = models.CharField("氏", max_length=50)
    given_name = models.CharField("名", max_length=50, blank=True)
    family_name_kana = models.CharField("氏（カナ）", max_length=100)
    given_name_kana = models.CharField("名（カナ）", max_length=100, blank=True)
    birth_date = models.DateField("生年月日", null=True, blank=True)
    sex = models.CharField("性別", max_length=10, choices=Sex.choices, blank=True)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True,
                                   validators=[postal_code_validator])
    address = models.CharField("住所", max_length=200, blank=True)
    phone = models.CharField("電話", max_length=30, blank=True)
    phone_mobile = models.CharField("携帯電話", max_length=30, blank=True)
    created_by_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                       related_name="+", verbose_name="記録した組織")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # 閲覧制限: masked address/phone/household for everyone but the named users.
    restriction = models.CharField("閲覧制限", max_length=10, choices=RestrictionKind.choices,
                                   blank=True)
    restriction_note = models.CharField("閲覧制限の備考", max_length=300, blank=True)
    restriction_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                               related_name="+", verbose_name="閲覧できる利用者")
    # match keys (kept by services)
    name_key = models.CharField(max_length=120, blank=True, db_index=True)
    given_name_key = models.CharField(max_length=60, blank=True, db_index=True)
    kana_key = models.CharField(max_length=200, blank=True, db_index=True)
    family_kana_key = models.CharField(max_length=100, blank=True, db_index=True)
    given_kana_key = models.CharField(max_length=100, blank=True, db_index=True)
    phone_key = models.CharField(max_length=30, blank=True, db_index=True)
    address_key = models.CharField(max_length=200, blank=True, db_index=True)

    class Meta:
        verbose_name = "本人"
        ordering = ["family_name_kana", "given_name_kana", "id"]
        indexes = [models.Index(fields=["municipality", "birth_date"], name="person_muni_birth")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}".strip()

    @property
    def full_kana(self) -> str:
        return f"{self.family_name_kana}\u3000{self.given_name_kana}".strip()

    @property
    def is_restricted(self) -> bool:
        return bool(self.restriction)

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class Relation(models.TextChoices):
    HEAD = "head", "世帯主"
    SELF = "self", "本人"
    SPOUSE = "spouse", "配偶者"
    CHILD = "child", "子"
    PARENT = "parent", "父母"
    SIBLING = "sibling", "兄弟姉妹"
    GRANDPARENT = "grandparent", "祖父母"
    GRANDCHILD = "grandchild", "孫"
    RELATIVE = "relative", "その他の親族"
    COHABITANT = "cohabitant", "同居人"


class Household(models.Model):
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    postal_code = models.CharField("郵便番号", max_length=8, blank=True,
                                   validators=[postal_code_validator])
    address = models.CharField("住所", max_length=200, blank=True)
    address_key = models.CharField(max_length=200, blank=True, db_index=True)
    created_by_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                       related_name="+", verbose_name="記録した組織")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "世帯"

    def __str__(self) -> str:
        return f"世帯#{self.pk}"


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    relation = models.CharField("続柄", max_length=20, choices=Relation.choices)
    living_together = models.BooleanField("同居", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "世帯員"
        ordering = ["household", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="household_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.person_id} ({self.relation})"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", "書面"
    ORAL = "oral", "口頭"
    PROXY = "proxy", "代理人"


def consent_upload_to(instance: Consent, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"consents/{instance.municipality_id}/{instance.person_id}/{uuid.uuid4().hex}.{ext}"


class Consent(models.Model):
    """本人同意: which organizations may share this person's information, for which purposes."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    organizations = models.ManyToManyField("accounts.Organization", related_name="+",
                                           verbose_name="共有先の組織")
    purposes = models.JSONField("目的", default=list)
    obtained_on = models.DateField("同意日")
    valid_until = models.DateField("有効期限", null=True, blank=True)
    method = models.CharField("方法", max_length=10, choices=ConsentMethod.choices)
    heard_by = models.CharField("聴取した職員", max_length=100, blank=True)
    proxy_name = models.CharField("代理人の氏名", max_length=100, blank=True)
    proxy_relation = models.CharField("代理人の続柄・立場", max_length=100, blank=True)
    note = models.CharField("備考", max_length=500, blank=True)
    scanned_file = models.FileField(
        "同意書（スキャン）", upload_to=consent_upload_to, blank=True,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"],
                                           "PDF・JPEG・PNG のファイルを選んでください。")])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_by_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                        related_name="+", verbose_name="記録した組織")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField("撤回日", null=True, blank=True)
    withdrawal_reason = models.CharField("撤回の理由", max_length=500, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "本人同意"
        ordering = ["-obtained_on", "-id"]

    def __str__(self) -> str:
        return f"本人同意#{self.pk}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    @property
    def purpose_labels(self) -> list[str]:
        labels = dict(Purpose.choices)
        return [str(labels.get(p, p)) for p in self.purposes]

    def is_current(self, day: dt.date) -> bool:
        return not self.is_withdrawn and (self.valid_until is None or self.valid_until >= day)


# ---------------------------------------------------------------------------
# 名寄せ (identity matching, docs/matching.md "In the people app"). Written only by
# people.matching / people.matching_services.
# ---------------------------------------------------------------------------


class PersonMatchKey(models.Model):
    """One blocking key (``kn:``, ``kj:``, ``bf:`` …) or name-frequency key (``fk:``, ``fj:``,
    ``gk:``, ``gj:``) of a person, kept by people.services on every create/update."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys")
    key = models.CharField(max_length=255)

    class Meta:
        verbose_name = "名寄せキー"
        indexes = [models.Index(fields=["key", "municipality"], name="person_match_key")]
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="person_match_key_unique")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.key}"


class MatchStatus(models.TextChoices):
    PENDING = "pending", "未確認"
    HOLD = "hold", "保留"
    SAME = "same", "同一人物"
    DIFFERENT = "different", "別人"


DECIDED = (MatchStatus.SAME, MatchStatus.DIFFERENT)


class MatchBand(models.TextChoices):
    HIGH = "high", "一致の可能性が高い"
    REVIEW = "review", "要確認"


class MatchCandidate(models.Model):
    """A pair of person records (``person_a_id < person_b_id``) of one municipality that the
    engine scored as probably one person. A decision (同一人物 / 別人) wins over re-scores."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField("スコア")
    band = models.CharField("判定", max_length=10, choices=MatchBand.choices)
    comparisons = models.JSONField("比較の内訳", default=list)  # [{field, level, label, weight}]
    status = models.CharField("状態", max_length=10, choices=MatchStatus.choices,
                              default=MatchStatus.PENDING)
    note = models.CharField("メモ", max_length=500, blank=True)
    found_by = models.CharField(max_length=12, default="incremental")  # incremental | batch
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "名寄せ候補"
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="match_candidate_pair"),
            models.CheckConstraint(condition=models.Q(person_a__lt=models.F("person_b")),
                                   name="match_candidate_ordered"),
        ]
        indexes = [models.Index(fields=["municipality", "status", "score"], name="match_cand_queue")]

    def __str__(self) -> str:
        return f"名寄せ候補#{self.pk}"

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED


class PersonLink(models.Model):
    """A coordinator's 同一人物 decision: a link between two source records. Both records stay
    with their organizations and grants; unmerging ends the link (kept for the audit trail)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(MatchCandidate, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    end_reason = models.CharField("解除の理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "同一人物の関連付け"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"],
                                    condition=models.Q(ended_at__isnull=True),
                                    name="person_link_active_pair"),
            models.CheckConstraint(condition=models.Q(person_a__lt=models.F("person_b")),
                                   name="person_link_ordered"),
        ]

    def __str__(self) -> str:
        return f"同一人物#{self.pk} ({self.person_a_id}≡{self.person_b_id})"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class MatchRunStatus(models.TextChoices):
    QUEUED = "queued", "待機中"
    RUNNING = "running", "実行中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"


class MatchRun(models.Model):
    """One batch run of the engine over a municipality's register (progress on the queue page)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(max_length=10, choices=MatchRunStatus.choices,
                              default=MatchRunStatus.QUEUED)
    phase = models.CharField(max_length=40, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    trigger = models.CharField(max_length=12, default="screen")  # screen | api | command
    persons = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    rescored = models.PositiveIntegerField(default=0)
    skipped_decided = models.PositiveIntegerField(default=0)
    threshold = models.FloatField(default=0)
    seconds = models.FloatField(default=0)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "名寄せの一括照合"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"一括照合#{self.pk}（{self.get_status_display()}）"

    @property
    def is_active(self) -> bool:
        return self.status in (MatchRunStatus.QUEUED, MatchRunStatus.RUNNING)
