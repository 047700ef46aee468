"""Cases and multi-agency collaboration (DESIGN.md §6): Case, CaseSubject, Involvement,
Referral (つなぎ), Contact (支援記録), SupportPlan (+ monitoring), Closure, the CaseEvent
history and CaseGrant (reach over a case on a legal basis, e.g. a pledged 支援会議 attendee).
Written only by ``cases.services``; read for access only by ``cases.policy``; models keep
read-only properties.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    INTAKE = "intake", "受付"
    ASSESSMENT = "assessment", "アセスメント"
    PLANNING = "planning", "プラン作成"
    SUPPORTING = "supporting", "支援中"
    CLOSED = "closed", "終結"
    WATCHING = "watching", "見守り継続"


OPEN_STATUSES = (Status.INTAKE, Status.ASSESSMENT, Status.PLANNING, Status.SUPPORTING)
"""The statuses a case moves through by hand, in order (終結 / 見守り継続 only by ``case_close``)."""


class Triage(models.TextChoices):  # spec/sheets.md §10
    T1 = "1", "①主訴明確・既存の流れで解決"
    T2 = "2", "②複数部署・役割整理が必要"
    T3 = "3", "③世帯の課題・協議が必要"
    T4 = "4", "④制度の狭間・主担当不明"


class ProjectTag(models.TextChoices):
    COMPREHENSIVE = "comprehensive", "包括的相談支援"
    MULTI_AGENCY = "multi_agency", "多機関協働"
    OUTREACH = "outreach", "アウトリーチ等"
    PARTICIPATION = "participation", "参加支援"
    COMMUNITY = "community", "地域づくり"


class Case(models.Model):
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    persons = models.ManyToManyField("people.Person", through="CaseSubject", related_name="+")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name="世帯")
    status = models.CharField("状態", max_length=12, choices=Status.choices, default=Status.INTAKE)
    triage = models.CharField("分類", max_length=1, choices=Triage.choices, blank=True)
    lead_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                 related_name="+", verbose_name="主担当機関")
    lead_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name="主担当者")
    tags = models.JSONField("事業", default=list, blank=True)
    summary = models.TextField("概要", max_length=2000)
    # the 相談受付・申込票 / つなぐシート / インテーク it was opened from (plain id, like
    # SheetRecord.case_id the other way; both set by services.case_open_from_record)
    source_sheet_record_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # the インテーク・アセスメント sheet record that is this case's assessment (sheets.links)
    assessment_record_id = models.BigIntegerField("アセスメントの帳票", null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    opened_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                   related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "支援ケース"
        ordering = ["-updated_at", "-id"]
        # (id, municipality) is what contacts, involvements and referrals point at (CaseTenantRow)
        constraints = [models.UniqueConstraint(fields=["id", "municipality"], name="case_id_tenant")]
        indexes = [models.Index(fields=["municipality", "status"], name="case_muni_status"),
                   # statistics by 受付 date (cases.metrics)
                   models.Index(fields=["municipality", "opened_at"], name="case_muni_opened")]

    def __str__(self) -> str:
        return f"ケース#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def tag_labels(self) -> list[str]:
        labels = dict(ProjectTag.choices)
        return [str(labels.get(t, t)) for t in self.tags]

    @property
    def next_statuses(self) -> list[str]:
        """The statuses this case may be moved FORWARD to, nearest first: any later open status
        (受付 → アセスメント・プラン作成, アセスメント → プラン作成, プラン作成 → 支援中); 支援中 only
        once a support plan is approved (then also straight from 受付/アセスメント). None for a
        closed case. One query (the approved plan) when 支援中 is ahead, none when the case's
        plans are loaded on it (``prefetch_related("plans")``)."""
        if not self.is_open:
            return []
        ahead = [str(s) for s in OPEN_STATUSES[OPEN_STATUSES.index(Status(self.status)) + 1:]]
        if Status.SUPPORTING in ahead and not self._has_approved_plan():
            ahead.remove(Status.SUPPORTING)
        return ahead

    def _has_approved_plan(self) -> bool:
        loaded = getattr(self, "_prefetched_objects_cache", {}).get("plans")
        if loaded is not None:
            return any(p.status == PlanStatus.APPROVED for p in loaded)
        return self.plans.filter(status=PlanStatus.APPROVED).exists()

    @property
    def earlier_statuses(self) -> list[str]:
        """The open statuses before the current one, nearest first (moving BACK needs a reason
        and an explicit confirmation: ``services.case_status_change``)."""
        if not self.is_open:
            return []
        return [str(s) for s in reversed(OPEN_STATUSES[:OPEN_STATUSES.index(Status(self.status))])]


class CaseSubject(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    is_primary = models.BooleanField("主たる本人", default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="case_subject_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.person_id}"


class CaseTenantRow(models.Model):
    """A child row of a case that carries the case's municipality (the tenant) itself, so
    statistics and tenant filters read it without joining the case (docs/scaling.md §6).

    It always equals ``case.municipality_id``: :meth:`save` fills it from the case when unset
    and refuses a different one; on PostgreSQL a composite foreign key
    ``(case_id, municipality_id) → cases_case (id, municipality_id)`` (migration
    ``0012_tenant_on_rows_required``) also refuses bulk inserts and raw SQL that disagree.
    """

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+", editable=False, db_index=False,
                                     verbose_name="自治体")

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save with the case's municipality: set from the case when unset (one query unless
        the case is loaded); ``ValueError`` when it is another tenant's. A stored row whose
        case is not loaded is saved as is (the database constraint still checks it)."""
        field = type(self).case  # type: ignore[attr-defined]
        if self.municipality_id is None or field.is_cached(self):
            tenant = self.case.municipality_id  # type: ignore[attr-defined]
            if self.municipality_id is None:
                self.municipality_id = tenant
            elif self.municipality_id != tenant:
                raise ValueError(f"{self._meta.verbose_name}の自治体がケースの自治体と異なります"
                                 f"（{self.municipality_id} ≠ {tenant}）。")
        super().save(*args, **kwargs)


class InvolvementRole(models.TextChoices):
    LEAD = "lead", "主担当"
    MEMBER = "member", "関与機関"
    REFERRED = "referred", "つなぎ先"
    WATCH = "watch", "見守り担当"


class Involvement(CaseTenantRow):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    role = models.CharField("役割", max_length=10, choices=InvolvementRole.choices)
    basis = models.CharField("根拠", max_length=20)
    source_type = models.CharField(max_length=20, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    started_on = models.DateField("開始日", default=timezone.localdate)
    ended_on = models.DateField("終了日", null=True, blank=True)
    end_reason = models.CharField("終了の理由", max_length=300, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        indexes = [models.Index(fields=["organization", "ended_on"], name="involvement_org_open"),
                   # the tenant's involvements in a period (P0-2) from the index alone
                   models.Index(fields=["municipality", "started_on"], name="involvement_muni_start",
                                include=["ended_on", "organization"])]

    def __str__(self) -> str:
        return f"関与#{self.pk}"

    @property
    def basis_label(self) -> str:
        from kasane.audit.models import Basis

        return str(dict(Basis.choices).get(self.basis, self.basis))


class CaseGrantPurpose(models.TextChoices):
    VIEW = "view", "ケースの閲覧"
    REFER = "refer", "本人同意なしのつなぎ（法106条の6）"


class CaseGrant(models.Model):
    """Reach over a case beyond an Involvement, on a legal basis, inside a window.

    ``view``: the grantee may see the case (a 守秘義務-pledged attendee of a meeting that has
    it on the agenda, until the review window ends) — every subject person must still be
    visible to it on a basis of its own. ``refer``: the case may be referred to the grantee
    without consent (法106条の6: a current 支援会議 the grantee attends). Rows are made and
    ended by the services of the app that owns the source record (meetings) through
    ``cases.services.grants``; ``cases.policy`` reads them like any other basis.
    """

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="組織")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+", verbose_name="利用者")
    purpose = models.CharField("目的", max_length=10, choices=CaseGrantPurpose.choices)
    basis = models.CharField("法的根拠", max_length=20)
    valid_from = models.DateTimeField("有効開始", default=timezone.now)
    valid_until = models.DateTimeField("有効期限", null=True, blank=True)
    ended_at = models.DateTimeField("終了日時", null=True, blank=True)
    end_reason = models.CharField("終了理由", max_length=300, blank=True)
    source_type = models.CharField("根拠の記録", max_length=40)
    source_id = models.CharField("根拠の記録ID", max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ケースの閲覧根拠"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "purpose", "case"], name="casegrant_org_case"),
            models.Index(fields=["source_type", "source_id"], name="casegrant_source"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.user_id} → ケース#{self.case_id} ({self.purpose})"

    def is_active(self, at: dt.datetime | None = None) -> bool:
        now = at or timezone.now()
        return (self.ended_at is None and self.valid_from <= now
                and (self.valid_until is None or self.valid_until > now))


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", "依頼中"
    ACCEPTED = "accepted", "受理"
    DECLINED = "declined", "辞退"
    PROPOSED = "proposed", "提案"
    WITHDRAWN = "withdrawn", "取下げ"


OPEN_REFERRAL_STATUSES = (ReferralStatus.REQUESTED, ReferralStatus.PROPOSED)


class Referral(CaseTenantRow):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                 related_name="+", verbose_name="依頼元")
    to_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                               related_name="+", verbose_name="依頼先")
    reason = models.TextField("依頼の内容", max_length=2000)
    consent = models.ForeignKey("people.Consent", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name="本人同意")
    status = models.CharField("状態", max_length=10, choices=ReferralStatus.choices,
                              default=ReferralStatus.REQUESTED)
    due_on = models.DateField("回答期限")
    response_text = models.TextField("回答", blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name="前回の依頼")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "つなぎ"
        ordering = ["-created_at", "-id"]
        # statistics: the tenant's referrals by answer / request date
        indexes = [models.Index(fields=["to_org", "status"], name="referral_to_status"),
                   models.Index(fields=["municipality", "responded_at"], name="referral_muni_responded"),
                   models.Index(fields=["municipality", "created_at"], name="referral_muni_created")]

    def __str__(self) -> str:
        return f"つなぎ#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES

    def is_overdue(self, day: dt.date | None = None) -> bool:
        return self.status == ReferralStatus.REQUESTED and self.due_on < (day or timezone.localdate())


class Method(models.TextChoices):
    VISIT = "visit", "訪問"
    PHONE = "phone", "電話"
    OFFICE = "office", "来所"
    ACCOMPANY = "accompany", "同行"
    LETTER = "letter", "手紙"
    EMAIL = "email", "メール"
    ONLINE = "online", "オンライン"


class Stage(models.TextChoices):  # spec/reporting.md stages (アウトリーチ)
    NOT_MET = "not_met", "未接触"
    CONTACTED = "contacted", "接触"
    DIALOGUE = "dialogue", "対話"
    TRUST = "trust", "信頼関係"
    AGREED = "agreed", "支援の合意"


class Contact(CaseTenantRow):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField("日時")
    method = models.CharField("方法", max_length=10, choices=Method.choices)
    reached = models.BooleanField("会えた・話せた", default=True)
    not_reached_reason = models.CharField("会えなかった理由", max_length=300, blank=True)
    stage = models.CharField("関係の段階", max_length=10, choices=Stage.choices, blank=True)
    summary = models.TextField("内容", max_length=4000)
    minutes = models.PositiveIntegerField("所要時間（分）", null=True, blank=True)
    tags = models.JSONField("事業", default=list, blank=True)
    next_action = models.CharField("次の対応", max_length=300, blank=True)
    next_due_on = models.DateField("次の対応の期日", null=True, blank=True)
    next_done = models.BooleanField("次の対応済み", default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "支援記録"
        ordering = ["-at", "-id"]
        # statistics: the tenant's contacts by date; covering, so a year of one municipality's
        # contacts is read from the index alone
        indexes = [models.Index(fields=["municipality", "at"], name="contact_muni_at_cover",
                                include=["case", "reached", "tags"])]

    def __str__(self) -> str:
        return f"支援記録#{self.pk}"

    @property
    def tag_labels(self) -> list[str]:
        labels = dict(ProjectTag.choices)
        return [str(labels.get(t, t)) for t in self.tags]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "案"
    APPROVED = "approved", "承認済み"


class SupportPlan(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField("版")
    goals = models.JSONField("目標", default=list)  # [{"text": ...}]
    tasks = models.JSONField("役割分担", default=list, blank=True)  # [{"org_id", "org", "task", "frequency"}]
    lead_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                 related_name="+", verbose_name="主担当機関")
    lead_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="主担当者")
    review_on = models.DateField("見直し予定日")
    status = models.CharField("状態", max_length=10, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    approved_on = models.DateField("承認日", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name="承認した会議")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "支援プラン"
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="plan_version_unique")]
        indexes = [models.Index(fields=["approved_on"], name="plan_approved_on")]

    def __str__(self) -> str:
        return f"支援プラン 第{self.version}版"


class GoalResult(models.TextChoices):
    ACHIEVED = "achieved", "達成"
    PARTIAL = "partial", "一部達成"
    NOT_ACHIEVED = "not_achieved", "未達成"
    CONTINUING = "continuing", "継続"


class Monitoring(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="monitoring")
    on = models.DateField("日付")
    note = models.TextField("モニタリング", max_length=2000)
    # one row per plan goal, in the plan's order: [{"goal": text, "result": GoalResult code}]
    evaluations = models.JSONField("目標の評価", default=list, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"モニタリング#{self.pk}"

    @property
    def evaluation_rows(self) -> list[tuple[str, str]]:
        labels = dict(GoalResult.choices)
        return [(str(e.get("goal", "")), str(labels.get(e.get("result"), e.get("result", ""))))
                for e in self.evaluations]


class ClosureReason(models.TextChoices):  # spec/sheets.md §9
    GOAL_MET = "goal_met", "目標達成"
    ROLES_AGREED = "roles_agreed", "役割合意・主担当へ"
    CONNECTED = "connected", "つながり安定"
    SELF_REQUEST = "self_request", "本人の希望"
    OTHER_SYSTEM = "other_system", "他制度へ（入所・入院）"
    MOVED = "moved", "転出"
    DEATH = "death", "死亡"
    UNREACHABLE = "unreachable", "連絡不能"
    OTHER = "other", "その他"


class Closure(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    closed_on = models.DateField("終結日")
    reason = models.CharField("終結理由", max_length=15, choices=ClosureReason.choices)
    evaluation = models.TextField("評価", max_length=4000)
    watch = models.BooleanField("見守り継続", default=False)
    watch_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name="見守り担当")
    watch_method = models.CharField("見守りの方法", max_length=300, blank=True)
    next_check_on = models.DateField("次回確認日", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "終結"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["closed_on"], name="closure_closed_on"),
                   # each case's latest closure (the *handled* rule) from the index alone
                   models.Index(fields=["case", "closed_on"], name="closure_case_closed")]

    def __str__(self) -> str:
        return f"終結#{self.pk}"


class CaseProblem(models.Model):
    """One of the 19 problem categories (``cases.problems``) that applies to the case (○);
    ``is_main`` marks the 主訴 (◎, at most one per case). Set from the 相談受付票 by the sheet
    link ``case`` and on the case page (``services.case_problems_set``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="problems")
    code = models.CharField("課題の分類", max_length=40)
    is_main = models.BooleanField("主訴", default=False)

    class Meta:
        verbose_name = "課題の分類"
        constraints = [
            models.UniqueConstraint(fields=["case", "code"], name="case_problem_unique"),
            models.UniqueConstraint(fields=["case"], condition=models.Q(is_main=True),
                                    name="case_problem_one_main"),
        ]
        indexes = [models.Index(fields=["code", "case"], name="case_problem_code")]

    def __str__(self) -> str:
        return f"{'◎' if self.is_main else '○'}{self.code}"


class EventKind(models.TextChoices):
    OPENED = "opened", "ケース開始"
    STATUS = "status", "状態の変更"
    UPDATED = "updated", "ケース情報の変更"
    REFERRAL = "referral", "つなぎ"
    CONTACT = "contact", "支援記録"
    PLAN = "plan", "支援プラン"
    INVOLVEMENT = "involvement", "関与機関"
    CLOSED = "closed", "終結"
    MEETING = "meeting", "会議"
    SHEET = "sheet", "帳票"
    PARTICIPATION = "match", "参加支援"


class CaseEvent(models.Model):
    """Append-only history of a case: what the case page's timeline shows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    text = models.CharField(max_length=500)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="events")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    # A page elsewhere (e.g. the meeting that approved a plan): apps above cases link back here.
    link = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"経過#{self.pk}"
