"""Forms of the notification and 緊急案件 screens (Japanese messages, novalidate)."""

from __future__ import annotations

from typing import Any

from django import forms

from kasane.accounts.selectors import organizations_with_roles, staff_choices
from kasane.core.forms import Form

from .kinds import KINDS
from .models import Urgency


class AlertForm(Form):
    urgency = forms.ChoiceField(label="緊急度", choices=[("", "選んでください"), *Urgency.choices])
    summary = forms.CharField(label="何が起きたか", max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="発信先に共有されるのはこの文面だけです。必要最小限に。")
    needed = forms.CharField(label="必要な対応", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    target_organization_ids = forms.MultipleChoiceField(
        label="発信先の機関", required=False, widget=forms.CheckboxSelectMultiple)
    to_rota = forms.BooleanField(label="今週の当番（推進員）へ発信する", required=False)

    def __init__(self, *args: Any, municipality_id: int, **kw: Any) -> None:
        super().__init__(*args, **kw)
        field = self.fields["target_organization_ids"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = list(organizations_with_roles(municipality_id=municipality_id)
                             .values_list("pk", "name"))


class ReasonForm(Form):
    reason = forms.CharField(label="緊急に閲覧する理由", widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(Form):
    note = forms.CharField(label="解決の内容", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class WebhookForm(Form):
    name = forms.CharField(label="名前", max_length=100)
    url = forms.CharField(label="送信先URL", max_length=500,
                          help_text="https:// で始まり、管理者が許可したホストに限ります。")


def settings_form_fields() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in KINDS.values()]


class RotaForm(Form):
    week_start = forms.ChoiceField(label="週")
    user = forms.ChoiceField(label="職員")
    order = forms.TypedChoiceField(label="順番", coerce=int,
                                   choices=[(0, "当番"), (1, "控え（受領がないときの次の担当）")])

    def __init__(self, *args: Any, weeks: list[tuple[str, str]], municipality_id: int,
                 **kw: Any) -> None:
        super().__init__(*args, **kw)
        week = self.fields["week_start"]
        user = self.fields["user"]
        assert isinstance(week, forms.ChoiceField) and isinstance(user, forms.ChoiceField)
        week.choices = weeks
        user.choices = [("", "選んでください"), *staff_choices(municipality_id=municipality_id)]
