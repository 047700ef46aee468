from __future__ import annotations

from typing import Any

from django import forms

from kasane.accounts.models import Organization

from .models import Basis


class PeriodForm(forms.Form):
    """A search period of local dates; the end may not precede the start."""

    date_from = forms.DateField(label="期間（から）", required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="期間（まで）", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "終了日は開始日以降の日付にしてください。")
        return data


class AuditSearchForm(PeriodForm):
    username = forms.CharField(label="ユーザー名", required=False, max_length=150)
    organization = forms.ModelChoiceField(label="組織", required=False,
                                          queryset=Organization.objects.none())
    action = forms.CharField(label="操作", required=False, max_length=40)
    basis = forms.ChoiceField(label="法的根拠", required=False,
                              choices=[("", "すべて"), *Basis.choices])
    person_id = forms.IntegerField(label="本人ID", required=False, min_value=1)
    request_id = forms.CharField(label="リクエストID", required=False, max_length=32)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            municipality_id=municipality_id)


class ChangeSearchForm(PeriodForm):
    username = forms.CharField(label="ユーザー名", required=False, max_length=150)
    model = forms.CharField(label="記録の種類（例: people.Person）", required=False, max_length=60)
    object_id = forms.CharField(label="記録ID", required=False, max_length=64)

