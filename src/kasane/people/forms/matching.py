"""Plain forms of the 名寄せ screens (queue filter, decision, unmerge)."""

from __future__ import annotations

from django import forms

from kasane.core.forms import Form

from ..models import MatchBand, MatchStatus

STATUS_CHOICES = [("open", "未確認・保留"), (MatchStatus.PENDING, "未確認"),
                  (MatchStatus.HOLD, "保留"), (MatchStatus.SAME, "同一人物"),
                  (MatchStatus.DIFFERENT, "別人"), ("all", "すべて")]
VISIBILITY_CHOICES = [("", "閲覧できる記録を含む候補"), ("both", "両方の記録を閲覧できる候補"),
                      ("one", "片方の記録だけ閲覧できる候補")]
SORT_CHOICES = [("score", "スコアの高い順"), ("band", "判定順"), ("new", "新しい順"),
                ("old", "古い順")]
DECISION_CHOICES = [(MatchStatus.SAME, "同一人物"), (MatchStatus.DIFFERENT, "別人"),
                    (MatchStatus.HOLD, "保留")]


class QueueFilterForm(Form):
    status = forms.ChoiceField(label="状態", choices=STATUS_CHOICES, required=False)
    band = forms.ChoiceField(label="判定", choices=[("", "すべて"), *MatchBand.choices],
                             required=False)
    visibility = forms.ChoiceField(label="閲覧", choices=VISIBILITY_CHOICES, required=False)
    sort = forms.ChoiceField(label="並び順", choices=SORT_CHOICES, required=False)

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"status": data.get("status") or "open", "band": data.get("band") or "",
                "visibility": data.get("visibility") or "", "sort": data.get("sort") or "score"}


class DecisionForm(Form):
    decision = forms.ChoiceField(label="判断", choices=DECISION_CHOICES, widget=forms.RadioSelect,
                                 error_messages={"required": "「同一人物」「別人」「保留」のいずれかを選んでください。",
                                                 "invalid_choice": "「同一人物」「別人」「保留」のいずれかを選んでください。"})
    note = forms.CharField(label="メモ（保留の場合は必須）", max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class UnmergeForm(Form):
    reason = forms.CharField(label="解除の理由", max_length=500,
                             error_messages={"required": "統合を解除する理由を入力してください。"},
                             widget=forms.Textarea(attrs={"rows": 2}))
