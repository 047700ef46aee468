"""Forms of the 事務局 set-up screens (cycle, plan nodes, 担当課); services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from kasane.accounts.models import Unit
from kasane.core.forms import Form, ModelForm
from kasane.core.wareki import fiscal_year_label

from .models import AnnualTarget, PdcaCycle, Plan, PlanNode


class CycleCreateForm(Form):
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int)
    plans = forms.ModelMultipleChoiceField(
        label="評価する計画", queryset=Plan.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="「前年度をコピー」のときは空欄なら前年度と同じ計画です。")
    copy_last = forms.BooleanField(label="前年度の設定（計画・表題・奥付）をコピーする", required=False)
    report_title = forms.CharField(label="報告書の表題", max_length=200, required=False)
    committee_name = forms.CharField(label="委員会の名称", max_length=100, required=False)
    published_month = forms.CharField(label="発行年月", max_length=30, required=False)
    publisher = forms.CharField(label="発行", max_length=100, required=False)
    editor = forms.CharField(label="編集", max_length=100, required=False)
    publication_number = forms.CharField(label="刊行物番号", max_length=40, required=False)

    def __init__(self, *args: Any, municipality_id: int, this_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = range(this_year - 3, this_year + 3)
        self.fields["fiscal_year"].choices = [  # type: ignore[attr-defined]
            (y, f"{fiscal_year_label(y)}（{y}年度）") for y in years]
        self.fields["plans"].queryset = Plan.objects.filter(  # type: ignore[attr-defined]
            municipality_id=municipality_id)


class NodeForm(ModelForm):
    """One 施策・事業. The parent is fixed by the URL for new nodes; depth follows it."""

    class Meta:
        model = PlanNode
        fields = ["code", "number", "title", "marker", "is_priority", "is_business", "units",
                  "plan_pages", "indicator_text", "indicator_metric", "repost_of"]
        widgets = {"units": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            municipality_id=plan.municipality_id)
        self.fields["repost_of"].queryset = PlanNode.objects.filter(  # type: ignore[attr-defined]
            plan__municipality_id=plan.municipality_id, is_business=True,
            repost_of__isnull=True).select_related("plan")
        self.fields["repost_of"].label_from_instance = (  # type: ignore[attr-defined]
            lambda n: f"{n.plan.short_name} {n.code} {n.title}")
        self.fields["title"].help_text = "施策は名称なしでも登録できます（名称のない中など）。"
        self.fields["number"].help_text = "同じ親の下で重複すると警告します。"


class UnitForm(ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "order"]
        error_messages = {"code": {"max_length": "担当課コードは1文字で入力してください。"}}



class PlanLayoutForm(ModelForm):
    """Print layout and grade scale of one plan; the scale is typed one grade a line."""

    scale_text = forms.CharField(
        label="評価の段階", required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="1行に「記号|名称|下限%」を上の段階から。空欄なら標準（A 70%・B 40%・C 20%・D 0%）。")

    class Meta:
        model = Plan
        fields = ["section_heading", "page_per_section", "print_meta_line", "repost_display",
                  "override_footnote"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = self.instance.grade_scale or []
        self.fields["scale_text"].initial = "\n".join(
            "|".join(str(x) for x in (r.values() if isinstance(r, dict) else r)) for r in rows)

    def clean_scale_text(self) -> list[list[Any]]:
        from .grading import ScaleError, scale_from

        lines = [line for line in self.cleaned_data["scale_text"].splitlines() if line.strip()]
        if not lines:
            return []
        rows = [[c.strip() for c in line.replace("｜", "|").split("|")] for line in lines]
        try:
            return [list(r) for r in scale_from(rows)]
        except ScaleError as exc:
            raise forms.ValidationError(str(exc)) from exc


class CycleTextsForm(ModelForm):
    class Meta:
        model = PdcaCycle
        fields = ["report_title", "committee_name", "intro_text", "criteria_example",
                  "timeline_text", "published_month", "publisher", "editor",
                  "publication_number"]
        widgets = {"intro_text": forms.Textarea(attrs={"rows": 8}),
                   "criteria_example": forms.Textarea(attrs={"rows": 4}),
                   "timeline_text": forms.Textarea(attrs={"rows": 8})}


class TargetForm(ModelForm):
    """One 年次目標 of a business, set by the 事務局 (service: ``services.target_save``)."""

    reason = forms.CharField(label="変更の理由", required=False, max_length=500,
                             help_text="委員会②での確定以降の変更には必要です（変更履歴に残ります）。")

    class Meta:
        model = AnnualTarget
        fields = ["fiscal_year", "text", "kind", "target_value", "unit_label", "direction",
                  "withdrawn", "withdrawn_reason"]
        error_messages = {"target_value": {"invalid": "数字で入力してください。"}}
