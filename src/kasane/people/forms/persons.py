"""Plain forms: parse input (和暦 dates, kana) and hand clean values to the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from kasane.access.models import ReviewOutcome
from kasane.accounts.models import Organization
from kasane.accounts.selectors import agencies
from kasane.core.forms import Form, choice_field
from kasane.core.forms import WarekiDateField as CoreWarekiDateField

from ..models import ConsentMethod, Purpose, Relation, RestrictionKind, Sex
from ..selectors.persons import MAX_QUERY, MAX_RAW, MSG_LONG, clean_query
from ..services.persons import check_scan, clean_kana

DATE_HELP = "西暦（1975-04-01）または和暦（S50.4.1、昭和50年4月1日）で入力できます。"


class WarekiDateField(CoreWarekiDateField):
    """The one 和暦 date field (``core.forms``), with the 西暦/和暦 hint under it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", DATE_HELP)
        super().__init__(**kwargs)


class KanaField(forms.CharField):
    def clean(self, value: Any) -> str:
        text = super().clean(value)
        return clean_kana(text, required=self.required)


class SearchQueryField(forms.CharField):
    """Control characters become spaces before validation (no "null character" error)."""

    def to_python(self, value: Any) -> str:
        return clean_query(str(value)[:MAX_RAW + 1]) if value not in self.empty_values else ""


class SearchForm(Form):
    q = SearchQueryField(label="氏名・フリガナ・生年月日", required=False, max_length=MAX_QUERY,
                         error_messages={"max_length": MSG_LONG},
                         widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                                       "placeholder": "例: やまだ S50 / 山田太郎"}))


class PersonForm(Form):
    family_name = forms.CharField(label="氏", max_length=50)
    given_name = forms.CharField(label="名", max_length=50, required=False)
    family_name_kana = KanaField(label="氏（フリガナ）", max_length=100)
    given_name_kana = KanaField(label="名（フリガナ）", max_length=100, required=False)
    birth_date = WarekiDateField(label="生年月日", required=False)
    sex = forms.ChoiceField(label="性別（任意）", choices=[("", "—")] + Sex.choices, required=False)
    postal_code = forms.CharField(label="郵便番号", max_length=8, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    address = forms.CharField(label="住所", max_length=200, required=False)
    phone = forms.CharField(label="電話", max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    phone_mobile = forms.CharField(label="携帯電話", max_length=30, required=False,
                                   widget=forms.TextInput(attrs={"type": "tel"}))

    def person_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.base_fields}


class PersonCreateForm(PersonForm):
    household_with = forms.IntegerField(label="同じ世帯の本人ID（任意）", required=False,
                                        min_value=1, widget=forms.HiddenInput)
    relation = forms.ChoiceField(label="続柄（世帯の本人から見て）", required=False,
                                 choices=[("", "—")] + [c for c in Relation.choices if c[0] != "self"])

    def person_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in PersonForm.base_fields}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("household_with") and not data.get("relation"):
            self.add_error("relation", "続柄を選んでください。")
        return data


class PersonEditForm(PersonForm):
    reason = forms.CharField(label="変更の理由（任意）", max_length=300, required=False)


class ConsentForm(Form):
    organizations = forms.ModelMultipleChoiceField(
        label="共有先の組織", queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "共有先は、この自治体の支援に関わる機関から選んでください。",
                        "required": "共有先の組織を1つ以上選んでください。"})
    purposes = forms.MultipleChoiceField(label="目的", choices=Purpose.choices,
                                         widget=forms.CheckboxSelectMultiple,
                                         error_messages={"required": "同意の目的を1つ以上選んでください。"})
    obtained_on = WarekiDateField(label="同意日")
    valid_until = WarekiDateField(label="有効期限（任意）", required=False,
                                  help_text="空欄なら撤回されるまで有効です。")
    method = forms.ChoiceField(label="方法", choices=ConsentMethod.choices,
                               widget=forms.RadioSelect)
    heard_by = forms.CharField(label="聴取した職員（口頭の場合）", max_length=100, required=False)
    proxy_name = forms.CharField(label="代理人の氏名（代理の場合）", max_length=100, required=False)
    proxy_relation = forms.CharField(label="代理人の続柄・立場（代理の場合）", max_length=100,
                                     required=False)
    scanned_file = forms.FileField(label="同意書のスキャン（PDF・JPEG・PNG、10MBまで）",
                                   required=False)
    note = forms.CharField(label="備考", max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = agencies(  # type: ignore[attr-defined]
            municipality_id=municipality_id)

    def clean_scanned_file(self) -> Any:
        upload = self.cleaned_data.get("scanned_file")
        if upload:
            try:
                check_scan(upload)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["scanned_file"]) from None
        return upload


class WithdrawForm(Form):
    withdrawn_on = WarekiDateField(label="撤回日", required=False, help_text="空欄なら今日。" + DATE_HELP)
    reason = forms.CharField(label="撤回の理由", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


class EmergencyForm(Form):
    reason = forms.CharField(label="緊急に閲覧する理由（生命・身体の保護のため）", max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="具体的に記入してください。申請は記録され、推進員が事後に確認します。")
    hours = forms.TypedChoiceField(label="有効時間", coerce=int, initial=24,
                                   choices=[(4, "4時間"), (24, "24時間"), (72, "72時間")])


class ReviewForm(Form):
    outcome = forms.ChoiceField(label="確認結果", choices=ReviewOutcome.choices,
                                widget=forms.RadioSelect)
    note = forms.CharField(label="確認メモ（不適切の場合は必須）", max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RestrictionForm(Form):
    restriction = forms.ChoiceField(label="閲覧制限", required=False,
                                    choices=[("", "制限なし")] + RestrictionKind.choices)
    restriction_users = forms.MultipleChoiceField(label="住所・連絡先・世帯を閲覧できる利用者",
                                                  required=False,
                                                  widget=forms.CheckboxSelectMultiple)
    restriction_note = forms.CharField(label="備考", max_length=300, required=False)
    reason = forms.CharField(
        label="変更の理由", max_length=300, required=False,
        help_text="指定された利用者が誰も在籍していないときに、推進員が指定し直す場合に必要です（10文字以上）。")

    def __init__(self, *args: Any, user_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "restriction_users").choices = user_choices


class DisclosureLookupForm(Form):
    person_id = forms.IntegerField(label="本人ID", min_value=1)
