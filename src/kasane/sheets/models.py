"""帳票: versioned sheet definitions, the records written on them, and import jobs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from . import schema as sheet_schema


class SheetDefinition(models.Model):
    """One version of a sheet. ``municipality`` empty = the standard sheet shipped in
    ``sheets/definitions/*.json``; a municipality's own edit is a version of its own.
    ``schema`` is self-contained (see ``schema.normalize``) and never changes once saved."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="sheet_definitions")
    code = models.CharField("帳票コード", max_length=60)
    version = models.PositiveIntegerField("版")
    title = models.CharField("名称", max_length=200)
    schema = models.JSONField("定義")
    content_hash = models.CharField(max_length=64)
    base_version = models.PositiveIntegerField("元にした標準の版", null=True, blank=True)
    is_current = models.BooleanField("現行", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "帳票定義"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], condition=Q(municipality__isnull=True),
                                    name="sheetdef_standard_version_unique"),
            models.UniqueConstraint(fields=["municipality", "code", "version"],
                                    condition=Q(municipality__isnull=False),
                                    name="sheetdef_local_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} 第{self.version}版"

    @property
    def is_standard(self) -> bool:
        return self.municipality_id is None

    @property
    def version_label(self) -> str:
        return f"第{self.version}版" + ("" if self.is_standard else "（自治体版）")

    @property
    def fields(self) -> list[dict[str, Any]]:
        return sheet_schema.top_fields(self.schema)

    @property
    def has_personal_data(self) -> bool:
        return bool(self.schema.get("personal_data", True))

    @property
    def is_routed(self) -> bool:
        return bool(self.schema.get("routed"))


class RecordStatus(models.TextChoices):
    DRAFT = "draft", "下書き"
    SUBMITTED = "submitted", "提出済み"


class RouteStatus(models.TextChoices):
    """つなぐシート: where the liaison sheet stands (the 連絡員 sees it)."""

    SENT = "sent", "送信済み"
    RECEIVED = "received", "受理"
    IN_PROGRESS = "in_progress", "対応中"
    CONNECTED = "connected", "つないだ"
    DONE = "done", "対応終了"


ROUTE_ORDER = [s.value for s in RouteStatus]


class SheetRecord(models.Model):
    """Answers on one definition *version*. ``person_id`` is set by the person binding
    (``person_binding``) or given by the writer (checked by ``access.policy``); it stays a
    plain id so sheets keep no FK into people (``person_snapshot`` keeps the block as typed,
    for printing). ``household_id`` and ``case_id`` are plain ids until cases binds them."""

    definition = models.ForeignKey(SheetDefinition, on_delete=models.PROTECT,
                                   related_name="records", verbose_name="帳票定義（版）")
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="sheet_records")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="sheet_records", verbose_name="記録機関")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="sheet_records", verbose_name="記入者")
    status = models.CharField("状態", max_length=10, choices=RecordStatus.choices,
                              default=RecordStatus.DRAFT)
    answers = models.JSONField("回答", default=dict, blank=True)
    # A draft's input exactly as typed (form field values, ``_written_on`` for an unreadable
    # 記入日): the form shows it when the draft is reopened. ``answers`` keeps only the
    # canonical answers that passed validation; submitting empties this.
    draft_answers = models.JSONField("下書きの入力", default=dict, blank=True)
    # The unsaved form a draft was started from (its autosave and its explicit save find the
    # same draft by it, never making a second one).
    form_key = models.CharField(max_length=32, blank=True, editable=False)
    written_on = models.DateField("記入日")
    tags = models.JSONField("事業", default=list, blank=True)
    sensitive_keys = models.JSONField("機微指定", default=list, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    household_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    person_snapshot = models.JSONField(default=dict, blank=True)
    # person block fields that differ from the linked Person (the sheet never overwrites it)
    person_differences = models.JSONField("本人情報との相違", default=list, blank=True)
    route_status = models.CharField("受付状況", max_length=12, choices=RouteStatus.choices,
                                    blank=True)
    # つなぐシート: the coordinator the routing rule named at submit (``routing``); empty = every
    # coordinator of the municipality (the fallback). ``urgent``: 緊急性 即日 (inbox order).
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name="担当の推進員")
    urgent = models.BooleanField("即日対応", default=False)
    source = models.CharField(max_length=10, default="form")  # form | api | import | demo
    import_job = models.ForeignKey("SheetImport", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="records")
    # an imported row's fingerprint (sheet code + its canonical answers and system values):
    # importing the same row again into the same organization creates nothing
    import_fingerprint = models.CharField(max_length=32, blank=True, default="", editable=False)
    lock_version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "帳票の記録"
        ordering = ["-written_on", "-id"]
        indexes = [
            models.Index(fields=["municipality", "status"], name="sheetrec_muni_status"),
            models.Index(fields=["organization", "status"], name="sheetrec_org_status"),
            models.Index(fields=["author", "status"], name="sheetrec_author_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["author", "form_key"], condition=~Q(form_key=""),
                                    name="sheetrec_author_form_key_unique"),
            models.UniqueConstraint(fields=["organization", "import_fingerprint"],
                                    condition=~Q(import_fingerprint=""),
                                    name="sheetrec_org_import_fingerprint_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.title} #{self.pk}"

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def typed_answers(self) -> dict[str, Any]:
        """What the form shows: a draft's input as typed, else the canonical answers."""
        if self.draft_answers:
            return {k: v for k, v in self.draft_answers.items() if not k.startswith("_")}
        return self.answers

    @property
    def person_name(self) -> str:
        p = self.answers.get("person") or self.person_snapshot or {}
        name = f"{p.get('family_name', '')} {p.get('given_name', '')}".strip()
        return name or p.get("identity_note", "")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "列の対応づけ待ち"
    CHECKING = "checking", "確認中"
    CHECKED = "checked", "確認済み"
    COMMITTING = "committing", "取り込み中"
    DONE = "done", "取り込み完了"
    FAILED = "failed", "失敗"


class SheetImport(models.Model):
    """A CSV/Excel import: the original file is kept for the audit trail."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    definition = models.ForeignKey(SheetDefinition, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="sheet-imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    file_kind = models.CharField(max_length=5)  # csv | xlsx
    encoding = models.CharField(max_length=20, blank=True)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, blank=True)  # column index (str) → field path
    status = models.CharField(max_length=12, choices=ImportStatus.choices,
                              default=ImportStatus.UPLOADED)
    skip_invalid = models.BooleanField("エラー行を除いて取り込む", default=False)
    preset = models.CharField("列の対応づけの元", max_length=20, blank=True)  # saved | logo | ""
    duplicate_rows = models.PositiveIntegerField("取り込み済みの行", default=0)
    persons_created = models.PositiveIntegerField("登録した本人", default=0)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    row_errors = models.JSONField(default=list, blank=True)  # [{row, errors: {path: msg}}]
    preview = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "帳票の取り込み"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def error_row_count(self) -> int:
        return len(self.row_errors)


def _attachment_path(instance: SheetAttachment, filename: str) -> str:
    """A random name: the original file name is kept only in the database."""
    import uuid

    from django.utils import timezone

    ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        instance.content_type, "bin")
    return f"sheet-attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class SheetAttachment(models.Model):
    """A file answer (署名, ジェノグラム, 9マスの写真 …): PDF, JPEG or PNG, ≤ 10 MB.

    Stored in the default storage under MEDIA_ROOT (never served directly); read only
    through ``sheet_policy.require_attachment`` with the access decision of ``record``. An upload made
    through the API waits with ``record`` empty until a record of the same sheet and field
    claims it; ``confirmed`` once a submitted record has referenced it (kept for the
    history). Unconfirmed uploads nobody refers to are removed by ``attachments_cleanup``."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    record = models.ForeignKey(SheetRecord, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="attachments")
    sheet_code = models.CharField(max_length=60)
    field_key = models.CharField(max_length=100)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField("ファイル名", max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    thumbnail = models.BinaryField(null=True, blank=True, editable=False)  # JPEG, images only
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "帳票の添付ファイル"
        ordering = ["pk"]
        indexes = [models.Index(fields=["confirmed", "created_at"], name="sheetatt_cleanup")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def as_answer(self) -> dict[str, Any]:
        return {"id": self.pk, "name": self.original_name}


class SheetShare(models.Model):
    """An organization a non-personal sheet (地域課題) names in its 情報提供先 (``shared_with``):
    its case-role staff may read the record (``policy.visible_records``). Rewritten from the
    answers on every submit and edit (``routing.shares_sync``); never used for sheets about a
    person, which are shared only on the person's legal bases."""

    record = models.ForeignKey(SheetRecord, on_delete=models.CASCADE, related_name="shares")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = "帳票の情報提供先"
        constraints = [models.UniqueConstraint(fields=["record", "organization"],
                                               name="sheetshare_unique")]

    def __str__(self) -> str:
        return f"{self.record_id} → {self.organization_id}"


class LiaisonRoute(models.Model):
    """つなぐシートの振り分け: the coordinator who receives the sheets a sending organization
    (施設) submits. Without a row every coordinator of the municipality receives them."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    sending_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                    related_name="+", verbose_name="送信元の機関")
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="担当の推進員")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "つなぐシートの振り分け"
        ordering = ["sending_org__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["municipality", "sending_org"],
                                               name="liaisonroute_org_unique")]

    def __str__(self) -> str:
        return f"{self.sending_org} → {self.coordinator}"


class DerivationStatus(models.TextChoices):
    """Where one link of a submitted record stands (``sheets.links``)."""

    DONE = "done", "作成済み"
    PENDING = "pending", "確認待ち"
    FAILED = "failed", "作成できませんでした"
    WAITING = "waiting", "機能の追加待ち"


class SheetDerivation(models.Model):
    """One core record a submitted sheet created or asks for (``sheets.links``): a case, a
    contact row, a referral draft, a plan version, a closure proposal … Generic: ``kind`` and
    ``object_id`` name the record in the owning app (no FK upwards). ``key`` is stable per
    record (``contact:0`` for the first contact row), so re-submitting or editing the sheet
    updates the same row and never derives twice."""

    record = models.ForeignKey(SheetRecord, on_delete=models.CASCADE, related_name="derivations")
    key = models.CharField(max_length=60)
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=DerivationStatus.choices)
    field = models.CharField("項目", max_length=100, blank=True)
    label = models.CharField(max_length=200, blank=True)
    message = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=200, blank=True)
    action = models.CharField("確認の操作", max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "帳票から作成した記録"
        ordering = ["record", "pk"]
        constraints = [models.UniqueConstraint(fields=["record", "key"],
                                               name="sheetderivation_record_key_unique")]
        indexes = [models.Index(fields=["kind", "object_id"], name="sheetderiv_kind_object")]

    def __str__(self) -> str:
        return f"{self.record_id}:{self.key}（{self.get_status_display()}）"


class ImportMapping(models.Model):
    """A municipality's saved column mapping of one sheet, by header names: an import whose
    file has the same headers (a LoGoフォーム export of the same form) reuses it."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    code = models.CharField("帳票コード", max_length=60)
    signature = models.CharField(max_length=64)  # sha256 of the header names
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)  # header name → field path
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "取り込みの列の対応づけ"
        constraints = [models.UniqueConstraint(fields=["municipality", "code", "signature"],
                                               name="importmapping_unique")]

    def __str__(self) -> str:
        return f"{self.code} ({len(self.headers)}列)"
