"""PDCA progress management (spec/reporting.md part A).

A ``Plan`` has its own level hierarchy (``PlanLevel``) and a tree of ``PlanNode``s; leaves
marked ``is_business`` carry ``AnnualTarget``s (result fields on the target itself) and
Do/Act pairs (``ProgressPair``) per 年度. ``Evaluation`` holds the per-graded-node override and
Check text; the computed grade is derived (``kasane.pdca.grading``) and frozen in editions.
``PdcaCycle`` is one 年度's report with its workflow state, transitions and editions.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from kasane.accounts.models import Municipality, Unit


class PlanKind(models.TextChoices):
    COMMUNITY_WELFARE = "community_welfare", "地域福祉計画"
    MULTILAYER = "multilayer", "重層的支援体制整備事業実施計画"
    OTHER = "other", "その他"


class SheetScope(models.TextChoices):
    ALL = "all", "すべての施策"
    PRIORITY = "priority_new_expanded", "重点施策（【新規】【拡充】）のみ"


class GradeOver(models.TextChoices):
    IN_SCOPE = "in_scope", "報告書に掲載する事業"
    ALL = "all", "すべての事業"


class TargetWindow(models.TextChoices):
    CUMULATIVE = "cumulative", "当該年度までの年次目標（累積）"
    SINGLE_YEAR = "single_year", "当該年度の目標のみ"


class RepostDisplay(models.TextChoices):
    FULL = "full", "全文を再掲"
    REFERENCE = "reference", "「詳細はP.n参照」と表示"


class Numbering(models.TextChoices):
    ARABIC = "arabic", "1"
    PAREN = "paren", "(1)"
    CIRCLED = "circled", "①"
    LATIN = "latin", "a"
    KATAKANA = "katakana", "ア"


class Marker(models.TextChoices):
    NONE = "", "なし"
    NEW = "new", "【新規】"
    EXPANDED = "expanded", "【拡充】"


class Plan(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="plans")
    name = models.CharField("計画名", max_length=150)
    short_name = models.CharField("略称", max_length=20,
                                  help_text="シート名や列見出しに使います（例: 地域福祉計画）。")
    kind = models.CharField("種別", max_length=20, choices=PlanKind.choices)
    parent_plan = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="child_plans", verbose_name="上位計画")
    first_year = models.PositiveSmallIntegerField("計画期間（初年度）")
    last_year = models.PositiveSmallIntegerField("計画期間（最終年度）")
    graded_level = models.PositiveSmallIntegerField("評価する階層", default=1,
                                                    help_text="階層の順番（1が最上位）。")
    sheet_scope = models.CharField("掲載範囲", max_length=30, choices=SheetScope.choices,
                                   default=SheetScope.ALL)
    grade_over = models.CharField("評価の対象事業", max_length=10, choices=GradeOver.choices,
                                  default=GradeOver.IN_SCOPE)
    target_window = models.CharField("目標の範囲", max_length=12, choices=TargetWindow.choices,
                                     default=TargetWindow.CUMULATIVE)
    repost_display = models.CharField("再掲事業の表示", max_length=10,
                                      choices=RepostDisplay.choices, default=RepostDisplay.REFERENCE)
    override_footnote = models.BooleanField("評価変更の注記を印刷", default=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    # layout of the printed report (issue 20)
    section_heading = models.CharField("章の見出し", max_length=100, blank=True,
                                       help_text="例: 1 地域福祉計画（空欄なら見出しなし）")
    page_per_section = models.BooleanField("施策ごとに改頁する", default=False,
                                           help_text="評価する施策ごとに新しい頁から始めます（空欄なら詰めて印刷）。")
    print_meta_line = models.BooleanField("評価総括表に「計画期間・評価対象・掲載範囲」の行を印刷",
                                          default=False)
    grade_scale = models.JSONField("評価の段階", default=list, blank=True,
                                   help_text="空なら A≧70%・B≧40%・C≧20%・D（spec/reporting.md A.2）。")

    class Meta:
        verbose_name = "計画"
        ordering = ["municipality", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"],
                                               name="pdca_plan_name_unique")]

    def __str__(self) -> str:
        return self.name

    def scale(self) -> tuple[tuple[str, str, int], ...]:
        """This plan's grade scale (grade, label, inclusive lower bound in %), best first."""
        from .grading import DEFAULT_SCALE, scale_from

        return scale_from(self.grade_scale) if self.grade_scale else DEFAULT_SCALE

    def clean(self) -> None:
        if self.grade_scale:
            from .grading import ScaleError, scale_from

            try:
                scale_from(self.grade_scale)
            except ScaleError as exc:
                raise ValidationError({"grade_scale": str(exc)}) from exc
        if self.first_year and self.last_year and self.first_year > self.last_year:
            raise ValidationError({"last_year": "最終年度は初年度以降にしてください。"})
        if self.parent_plan_id and self.parent_plan_id == self.pk:
            raise ValidationError({"parent_plan": "計画自身を上位計画にはできません。"})


class PlanLevel(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="levels")
    depth = models.PositiveSmallIntegerField("階層の順番")
    label = models.CharField("名称", max_length=20)
    numbering = models.CharField("番号の形式", max_length=10, choices=Numbering.choices)
    header_group = models.CharField("見出しのまとまり", max_length=60, blank=True,
                                    help_text="例: 施策（大・小を一つの見出しでまとめる）")
    printed_column = models.BooleanField("列として印刷", default=True)

    class Meta:
        verbose_name = "計画の階層"
        ordering = ["plan", "depth"]
        constraints = [models.UniqueConstraint(fields=["plan", "depth"],
                                               name="pdca_level_depth_unique")]

    def __str__(self) -> str:
        return self.label


class PlanNode(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="children")
    depth = models.PositiveSmallIntegerField("階層")
    code = models.CharField("コード", max_length=40,
                            help_text="計画内で一意（例: 2-1-1、2-1-1-a）。")
    number = models.PositiveSmallIntegerField("番号")
    title = models.CharField("名称", max_length=300, blank=True)
    marker = models.CharField("区分", max_length=10, choices=Marker.choices, blank=True, default="")
    is_priority = models.BooleanField("重点施策", default=False)
    is_business = models.BooleanField("事業（目標を持つ）", default=False)
    repost_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="reposts", verbose_name="再掲元の事業")
    plan_pages = models.CharField("計画書の頁", max_length=60, blank=True,
                                  help_text="例: 12 14-15")
    units = models.ManyToManyField(Unit, blank=True, related_name="pdca_nodes",
                                   verbose_name="担当課")
    indicator_text = models.CharField("指標", max_length=300, blank=True)
    indicator_metric = models.CharField("指標（統計キー）", max_length=80, blank=True)
    indicator_filters = models.JSONField("指標の条件", default=dict, blank=True)
    order = models.PositiveIntegerField("並び順", default=0)

    class Meta:
        verbose_name = "施策・事業"
        ordering = ["plan", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"],
                                               name="pdca_node_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.display_title}"

    @property
    def source(self) -> PlanNode:
        """The node that holds the data: the original for a cross-listed business."""
        return self.repost_of if self.repost_of_id else self  # type: ignore[return-value]

    @property
    def display_title(self) -> str:
        return self.title or (self.repost_of.title if self.repost_of_id else "")  # type: ignore[union-attr]

    @property
    def marker_label(self) -> str:
        return Marker(self.marker).label if self.marker else ""

    def clean(self) -> None:
        if self.repost_of_id is not None:
            if self.pk is not None and self.repost_of_id == self.pk:
                raise ValidationError({"repost_of": "再掲元に自分自身は指定できません。"})
            original = self.repost_of
            if original is not None:
                if original.repost_of_id is not None:
                    raise ValidationError({"repost_of": "再掲元には元の事業（再掲でないもの）を指定してください。"})
                if not original.is_business:
                    raise ValidationError({"repost_of": "再掲できるのは事業だけです。"})
                if original.plan.municipality_id != self.plan.municipality_id:
                    raise ValidationError({"repost_of": "他の自治体の事業は再掲できません。"})
            if not self.is_business:
                raise ValidationError({"is_business": "再掲は事業として登録してください。"})


class TargetKind(models.TextChoices):
    ACHIEVE = "achieve", "達成／未達成"
    NUMERIC = "numeric", "数値目標"


class Direction(models.TextChoices):
    AT_LEAST = "ge", "以上（≧）"
    AT_MOST = "le", "以下（≦）"


class ResultSource(models.TextChoices):
    MANUAL = "manual", "手入力"
    METRIC = "metric", "統計から"


class AnnualTarget(models.Model):
    business = models.ForeignKey(PlanNode, on_delete=models.CASCADE, related_name="targets")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    order = models.PositiveSmallIntegerField("並び順", default=0)
    kind = models.CharField("種類", max_length=10, choices=TargetKind.choices,
                            default=TargetKind.ACHIEVE)
    text = models.CharField("目標", max_length=300)
    target_value = models.DecimalField("目標値", max_digits=12, decimal_places=2,
                                       null=True, blank=True)
    unit_label = models.CharField("単位", max_length=10, blank=True)
    direction = models.CharField("方向", max_length=2, choices=Direction.choices,
                                 default=Direction.AT_LEAST)
    withdrawn = models.BooleanField("取下げ", default=False)
    withdrawn_reason = models.CharField("取下げの理由", max_length=300, blank=True)
    achieved = models.BooleanField("達成", null=True, blank=True)
    actual_value = models.DecimalField("実績値", max_digits=12, decimal_places=2,
                                       null=True, blank=True)
    result_source = models.CharField("実績の出所", max_length=10, choices=ResultSource.choices,
                                     default=ResultSource.MANUAL)
    result_note = models.CharField("備考", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "年次目標"
        ordering = ["business", "fiscal_year", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.text}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.business_id and self.business.repost_of_id:
            errors["business"] = "再掲の事業には目標を登録できません。元の事業に登録してください。"
        if self.kind == TargetKind.NUMERIC and self.target_value is None:
            errors["target_value"] = "数値目標には目標値を入力してください。"
        if self.target_value is not None and self.target_value < 0:
            errors["target_value"] = "目標値は0以上で入力してください。"
        if self.actual_value is not None and self.actual_value < 0:
            errors["actual_value"] = "実績値は0以上で入力してください。"
        if self.withdrawn and not self.withdrawn_reason.strip():
            errors["withdrawn_reason"] = "取下げの理由を入力してください。"
        if errors:
            raise ValidationError(errors)

    def derive_achieved(self) -> None:
        """A numeric target with an actual value is met iff actual ≥ target (≤ for reductions)."""
        if self.kind == TargetKind.NUMERIC and self.actual_value is not None \
                and self.target_value is not None:
            if self.direction == Direction.AT_MOST:
                self.achieved = self.actual_value <= self.target_value
            else:
                self.achieved = self.actual_value >= self.target_value

    @property
    def is_open(self) -> bool:
        return not self.withdrawn and self.achieved is None


class ProgressPair(models.Model):
    """One Do/Act pair of a business in one 年度 (several per business, optionally per unit)."""

    business = models.ForeignKey(PlanNode, on_delete=models.CASCADE, related_name="progress")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    order = models.PositiveSmallIntegerField("並び順", default=0)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="担当課")
    do_text = models.TextField("Do（実行）", blank=True)
    act_text = models.TextField("Act（課題及び改善点）", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Do/Act"
        ordering = ["business", "fiscal_year", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.fiscal_year} Do/Act #{self.order + 1}"

    def clean(self) -> None:
        if self.business_id and self.business.repost_of_id:
            raise ValidationError("再掲の事業には入力できません。元の事業に入力してください。")
        if not (self.do_text.strip() or self.act_text.strip()):
            raise ValidationError({"do_text": "Do か Act のどちらかを入力してください。"})


class Grade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class Evaluation(models.Model):
    """Per graded node and 年度: the override (with its mandatory reason) and Check text."""

    node = models.ForeignKey(PlanNode, on_delete=models.CASCADE, related_name="evaluations")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    override_grade = models.CharField("変更後の評価", max_length=1, choices=Grade.choices,
                                      blank=True)
    override_reason = models.TextField("変更の理由", blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                      null=True, blank=True, related_name="+")
    overridden_at = models.DateTimeField(null=True, blank=True)
    check_text = models.TextField("Check（評価の補足）", blank=True)

    class Meta:
        verbose_name = "評価"
        constraints = [models.UniqueConstraint(fields=["node", "fiscal_year"],
                                               name="pdca_evaluation_unique")]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.override_grade or '算定どおり'}"

    def clean(self) -> None:
        if self.override_grade and not self.override_reason.strip():
            raise ValidationError({"override_reason": "評価を変更するときは理由を入力してください。"})


class CommitteeOpinion(models.Model):
    node = models.ForeignKey(PlanNode, on_delete=models.CASCADE, related_name="opinions")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    text = models.TextField("意見", help_text="1行に1つ（「・」は自動で付きます）。")
    meeting_label = models.CharField("会議", max_length=100, blank=True)
    response_next_year = models.TextField("次年度の施策の実施に反映", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "委員会からの意見"
        ordering = ["node__order", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def bullets(self) -> list[str]:
        return [line.strip().lstrip("・").strip() for line in self.text.splitlines()
                if line.strip().lstrip("・").strip()]


class CycleState(models.TextChoices):
    PREPARING = "preparing", "準備"
    SELF_EVAL = "self_eval", "担当課自己評価"
    SECRETARIAT_REVIEW = "secretariat_review", "事務局確認"
    COMMITTEE_1 = "committee_1", "委員会①（審議）"
    REVISING = "revising", "修正"
    COMMITTEE_2 = "committee_2", "委員会②（確定）"
    COUNCIL_1 = "council_1", "庁議①"
    COUNCIL_2 = "council_2", "庁議②"
    PUBLISHED = "published", "公表"


STATE_ORDER: list[str] = list(CycleState.values)


class PdcaCycle(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="pdca_cycles")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    plans = models.ManyToManyField(Plan, related_name="cycles", verbose_name="評価する計画")
    state = models.CharField("状態", max_length=20, choices=CycleState.choices,
                             default=CycleState.PREPARING)
    committee_name = models.CharField("委員会の名称", max_length=100, default="市民福祉推進委員会")
    report_title = models.CharField("報告書の表題", max_length=200, blank=True)
    published_month = models.CharField("発行年月", max_length=30, blank=True)
    publisher = models.CharField("発行", max_length=100, blank=True)
    editor = models.CharField("編集", max_length=100, blank=True)
    publication_number = models.CharField("刊行物番号", max_length=40, blank=True)
    intro_text = models.TextField("序章（進捗管理の目的・報告書の構成）", blank=True,
                                  help_text="空欄なら標準の文章。段落は空行で区切ります。")
    criteria_example = models.TextField("評価基準の例", blank=True,
                                        help_text="評価の方法の下に印刷する計算例（例: 目標5件中3件達成 → 60% → B）。")
    timeline_text = models.TextField(
        "進捗管理の流れ", blank=True,
        help_text="1行に「段階|担当|内容|時期」。空欄なら標準の流れ。")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "PDCAサイクル"
        ordering = ["municipality", "-fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["municipality", "fiscal_year"],
                                               name="pdca_cycle_year_unique")]

    def __str__(self) -> str:
        from kasane.core.wareki import fiscal_year_label

        return f"{fiscal_year_label(self.fiscal_year)} 進捗管理"

    @property
    def state_index(self) -> int:
        return STATE_ORDER.index(self.state)


class CycleTransition(models.Model):
    cycle = models.ForeignKey(PdcaCycle, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=CycleState.choices)
    to_state = models.CharField(max_length=20, choices=CycleState.choices)
    reason = models.TextField("理由・記録", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class Edition(models.Model):
    """A frozen snapshot of a cycle's report (values and texts), created on 公表 and on each
    correction after it."""

    cycle = models.ForeignKey(PdcaCycle, on_delete=models.CASCADE, related_name="editions")
    number = models.PositiveSmallIntegerField("版")
    snapshot = models.JSONField()
    correction_note = models.TextField("正誤", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "-number"]
        constraints = [models.UniqueConstraint(fields=["cycle", "number"],
                                               name="pdca_edition_unique")]

    def __str__(self) -> str:
        return f"第{self.number}版"
