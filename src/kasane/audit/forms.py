from __future__ import annotations

from typing import Any

from django import forms

from kasane.accounts.models import Organization
from kasane.core.forms import Form, WarekiDateField

from . import labels
from .models import Basis


class PeriodForm(Form):
    """A search period of local dates; the end may not precede the start."""

    date_from = WarekiDateField(label="期間（から）", required=False)
    date_to = WarekiDateField(label="期間（まで）", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "終了日は開始日以降の日付にしてください。")
        return data


ALL = ("", "すべて")


class AuditSearchForm(PeriodForm):
    """Filters of the access log: 操作・対象の種類・法的根拠 are chosen by their Japanese
    labels (``audit.labels``), grouped by area; the query carries the codes."""

    username = forms.CharField(label="ユーザー名", required=False, max_length=150)
    organization = forms.ModelChoiceField(label="組織", required=False, empty_label="すべて",
                                          queryset=Organization.objects.none())
    action = forms.ChoiceField(label="操作", required=False)
    object_type = forms.ChoiceField(label="対象の種類", required=False)
    basis = forms.ChoiceField(label="法的根拠", required=False,
                              choices=[ALL, *Basis.choices])
    person_id = forms.IntegerField(label="本人ID", required=False, min_value=1)
    request_id = forms.CharField(label="リクエストID", required=False, max_length=32)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            municipality_id=municipality_id)
        self.fields["action"].choices = [ALL, *labels.action_choices()]  # type: ignore[attr-defined]
        self.fields["object_type"].choices = [ALL, *labels.object_choices()]  # type: ignore[attr-defined]


class ChangeSearchForm(PeriodForm):
    """``model`` keeps its meaning (part of a model label, ``people.Person``; links to one
    record's history pass ``model`` and ``object_id``) and is shown as a list of the record
    kinds by name; a value that is not in the list stays selectable as typed."""

    username = forms.CharField(label="ユーザー名", required=False, max_length=150)
    model = forms.CharField(label="記録の種類", required=False, max_length=60,
                            widget=forms.Select())
    object_id = forms.CharField(label="記録ID", required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[Any] = [ALL, *labels.model_choices()]
        known = {code for _, group in choices[1:] for code, _ in group}
        given = (self.data.get("model") or "").strip() if self.is_bound else ""
        if given and given not in known:
            choices.insert(1, (given, f"{given}（を含む記録）"))
        self.fields["model"].widget.choices = choices  # type: ignore[attr-defined]


class ChangeOpenForm(Form):
    """「内容を表示」: the auditor states why they open one change record's values."""

    reason = forms.CharField(
        label="表示する理由", max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="10文字以上で具体的に（例: 開示請求第12号の調査のため）。本人の開示記録に残ります。")
