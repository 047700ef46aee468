"""Plain forms of the national report's submission screens (views parse, services decide)."""

from __future__ import annotations

from django import forms

from kasane.core.forms import Form

from .models import SubmissionStatus


class TransitionForm(Form):
    to_status = forms.ChoiceField(label="段階", choices=SubmissionStatus.choices,
                                  widget=forms.HiddenInput)
    reason = forms.CharField(label="戻す理由", required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="前の段階に戻すときは必須です。")


class ConfirmForm(Form):
    comment = forms.CharField(label="コメント", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="数字について事務局に伝えること（任意）。")


class ManualValueForm(Form):
    code = forms.CharField(label="番号", max_length=40, widget=forms.HiddenInput)
    value = forms.IntegerField(label="値", min_value=0, max_value=10**12 - 1,
                               error_messages={"required": "値を入力してください。",
                                               "invalid": "整数で入力してください（例: 12000）。",
                                               "min_value": "0以上の整数で入力してください。",
                                               "max_value": "値が大きすぎます。"})
    note = forms.CharField(label="備考（根拠）", required=False, max_length=500)


class ExportForm(Form):
    format = forms.ChoiceField(label="形式", choices=[("xlsx", "Excel"), ("csv", "CSV"),
                                                     ("docx", "Word"), ("pdf", "PDF")])
