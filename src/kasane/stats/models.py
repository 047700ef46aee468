"""The model-project report's typed texts (spec/reporting.md C): every save of a field is a new
version (append-only), so the text of any earlier save can be shown again."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ModelReportText(models.Model):
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    field_key = models.CharField("項目", max_length=40)
    version = models.PositiveIntegerField("版")
    text = models.TextField("内容", max_length=4000, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "モデル事業報告の記入"
        ordering = ["municipality", "fiscal_year", "field_key", "-version"]
        constraints = [models.UniqueConstraint(
            fields=["municipality", "fiscal_year", "field_key", "version"],
            name="model_report_text_version")]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.field_key} 第{self.version}版"


class SubmissionStatus(models.TextChoices):
    """The national report's workflow (spec/reporting.md B.4)."""

    DRAFT = "draft", "作成中"
    ORG_CONFIRM = "org_confirm", "機関確認"
    FINAL = "final", "確定"
    SUBMITTED = "submitted", "提出済み"


STATUS_ORDER: tuple[str, ...] = tuple(SubmissionStatus.values)


class NationalReportEdition(models.Model):
    """The national report of one 年度 as it moves to submission. ``frozen`` holds every printed
    cell as computed when it was 確定 (a list of figure dicts, the same shape as
    ``national.national_report``); it stays while final / submitted, so files of a submitted
    edition print what was sent. ``round`` counts the confirmation rounds: reopening to 機関確認
    or earlier starts a new one (earlier confirmations stay as history)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    template_version = models.PositiveSmallIntegerField("様式の版（適用開始年度）")
    status = models.CharField("段階", max_length=20, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.DRAFT)
    round = models.PositiveSmallIntegerField("確認の回", default=1)
    frozen = models.JSONField("確定した値", null=True, blank=True)
    frozen_at = models.DateTimeField("確定日時", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "国への報告（年度の版）"
        ordering = ["municipality", "-fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["municipality", "fiscal_year"],
                                               name="national_edition_year")]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 国への報告（{self.get_status_display()}）"

    @property
    def status_index(self) -> int:
        return STATUS_ORDER.index(self.status)

    @property
    def is_frozen(self) -> bool:
        return self.status in (SubmissionStatus.FINAL, SubmissionStatus.SUBMITTED) \
            and self.frozen is not None


class NationalReportTransition(models.Model):
    """One move of the workflow: who, when, from/to, the reason (required to go back) and, for
    確定 / 提出, the values as they were then (so a reopened submission keeps what was sent)."""

    edition = models.ForeignKey(NationalReportEdition, on_delete=models.CASCADE,
                                related_name="transitions")
    from_status = models.CharField(max_length=20, choices=SubmissionStatus.choices)
    to_status = models.CharField(max_length=20, choices=SubmissionStatus.choices)
    reason = models.TextField("理由", blank=True)
    values = models.JSONField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "国への報告の段階の移動"
        ordering = ["edition", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class NationalReportConfirmation(models.Model):
    """An organization's 推進員 confirmed its own figures (those counted from the cases it leads)
    in one confirmation round, with a comment."""

    edition = models.ForeignKey(NationalReportEdition, on_delete=models.CASCADE,
                                related_name="confirmations")
    round = models.PositiveSmallIntegerField("確認の回")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    at = models.DateTimeField(auto_now=True)
    comment = models.TextField("コメント", max_length=2000, blank=True)

    class Meta:
        verbose_name = "国への報告の機関確認"
        ordering = ["edition", "round", "organization"]
        constraints = [models.UniqueConstraint(fields=["edition", "round", "organization"],
                                               name="national_confirmation_once")]

    def __str__(self) -> str:
        return f"{self.organization_id} 第{self.round}回 確認"


class NationalReportManualValue(models.Model):
    """A typed value of a cell without a records source (``Cell.manual``, e.g. 予算額): every
    save is a new row (append-only), the latest one counts; each keeps its note and author."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    code = models.CharField("番号", max_length=40)
    value = models.BigIntegerField("値")
    note = models.CharField("備考（根拠）", max_length=500, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "国への報告の手入力値"
        ordering = ["municipality", "fiscal_year", "code", "-created_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "fiscal_year", "code"])]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.code} = {self.value}"
