"""Forms of the 保存期間と廃棄 screens (Japanese messages through core.forms)."""

from __future__ import annotations

from django import forms

from kasane.core.forms import Form

from .models import RecordType

MAX_ID = 2**63 - 1


class HoldForm(Form):
    target = forms.ChoiceField(label="対象", choices=[("person", "本人"), ("case", "支援ケース")],
                               widget=forms.RadioSelect, initial="case")
    number = forms.IntegerField(label="番号", min_value=1, max_value=MAX_ID,
                                help_text="本人番号（本人 #123 の 123）またはケース番号（ケース#45 の 45）。")
    reason = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="例: 訴訟のため保存（令和8年（ワ）第123号）、情報公開請求への対応中")


class ReleaseForm(Form):
    release_reason = forms.CharField(label="解除の理由", max_length=300)
    confirm = forms.BooleanField(label="保存の継続を解除することを確認しました")


class PeriodForm(Form):
    record_type = forms.ChoiceField(label="記録の種類", choices=RecordType.choices)
    years = forms.IntegerField(label="保存年数", min_value=1, max_value=100)
