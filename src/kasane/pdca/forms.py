"""Plain forms of the PDCA screens (views parse with these, services decide)."""

from __future__ import annotations

from typing import Any

from django import forms

from kasane.core.forms import Form, choice_field
from kasane.core.numbers import format_number

from .models import Grade


class TargetResultForm(Form):
    achieved = forms.TypedChoiceField(
        label="結果", required=False, empty_value=None,
        choices=[("", "未入力"), ("1", "達成"), ("0", "未達成")],
        coerce=lambda v: {"1": True, "0": False}.get(v))
    actual_value = forms.DecimalField(label="実績値", required=False, min_value=0,
                                      max_digits=12, decimal_places=2,
                                      error_messages={"invalid": "数値で入力してください。",
                                                      "min_value": "0以上で入力してください。"})
    note = forms.CharField(label="備考", required=False, max_length=300)

    def __init__(self, *args: Any, target: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target = target
        if target is not None and target.kind == "numeric":
            self.fields["actual_value"].help_text = (
                f"目標 {format_number(target.target_value)}{target.unit_label}"
                f"（{target.get_direction_display()}）。実績値を入れると達成は自動で判定します。")
            self.fields["achieved"].help_text = "実績値を入力した場合は自動判定になります。"
        else:
            del self.fields["actual_value"]


class PairForm(Form):
    unit = forms.TypedChoiceField(label="担当課", required=False, coerce=int, empty_value=None)
    do_text = forms.CharField(label="Do（実行）", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    act_text = forms.CharField(label="Act（課題及び改善点）", required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    delete = forms.BooleanField(label="この記入を削除する", required=False)

    def __init__(self, *args: Any, units: list[Any] = (), allow_delete: bool = True,  # type: ignore[assignment]
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(units) > 1:
            choice_field(self, "unit").choices = [("", "（共通）")] + [(u.pk, u.name) for u in units]
        else:
            del self.fields["unit"]
        if not allow_delete:
            del self.fields["delete"]

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("do_text", "").strip() or data.get("act_text", "").strip())


class ReasonForm(Form):
    reason = forms.CharField(label="変更の理由", required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="委員会②での確定以降・公表後の変更には理由が必要です（変更履歴に残ります）。")


class OverrideForm(Form):
    grade = forms.ChoiceField(label="評価", required=False,
                              choices=[("", "算定どおり（変更しない）"), *Grade.choices])

    def __init__(self, *args: Any, scale: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scale:  # the plan's own grades (spec: grade scale per plan)
            choice_field(self, "grade").choices = [("", "算定どおり（変更しない）"),
                                                   *((g, g) for g, _, _ in scale)]
    reason = forms.CharField(label="変更の理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    check_text = forms.CharField(label="Check（評価の補足）", required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("grade") and not (data.get("reason") or "").strip():
            self.add_error("reason", "評価を変更するときは理由を入力してください。")
        return data


class OpinionForm(Form):
    text = forms.CharField(label="意見", widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="1行に1つ。印刷時は「・」の箇条書きになります。",
                           error_messages={"required": "意見を入力してください。"})
    meeting_label = forms.CharField(label="会議", required=False, max_length=100,
                                    help_text="例: 令和7年度第1回委員会")


class TransitionForm(Form):
    to_state = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="理由・記録", required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="前の段階に戻すときは必須。庁議の日付と結果などもここに記録します。")
    confirm_back = forms.BooleanField(label="前の段階に戻すことを確認しました", required=False)


class ImportForm(Form):
    file = forms.FileField(label="Excelファイル（.xlsx）",
                           error_messages={"required": "ファイルを選んでください。"})

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Excelブック（.xlsx）を選んでください。")
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError("ファイルが大きすぎます（5MBまで）。")
        return f
