"""Forms of the directory screens (parse only; ``services`` check and write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model

from kasane.core.forms import Form, WarekiDateField, choice_field

from .models import Place, PlaceKind, Provider
from .services import EDITABLE_FIELDS

NEW_PROVIDER = "new"


class FilterForm(Form):
    area = forms.ChoiceField(label="日常生活圏域", required=False)
    kind = forms.ChoiceField(label="種類", required=False,
                             choices=[("", "すべて"), *PlaceKind.choices])
    status = forms.ChoiceField(label="状態", required=False)
    vacancies = forms.BooleanField(label="空きのある場だけ", required=False)
    q = forms.CharField(label="名称・団体名", required=False, max_length=50)

    def __init__(self, *args: Any, areas: list[tuple[str, str]],
                 statuses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "area").choices = [("", "すべて"), *areas, ("unassigned", "未設定")]
        choice_field(self, "status").choices = [("", "すべて"), *statuses]


class PlaceForm(Form):
    """Every editable field of a place plus its provider (an existing one, or a new name)."""

    provider = forms.ChoiceField(label="運営団体")
    new_provider = forms.CharField(label="新しい運営団体の名称", required=False, max_length=150,
                                   help_text="一覧にないときだけ入力してください。")

    def __init__(self, *args: Any, providers: list[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in fields_for_model(Place, fields=EDITABLE_FIELDS).items():
            if field is not None:
                field.required = name in ("name", "kind")
                self.fields[name] = field
        self.providers = {str(p.pk): p for p in providers}
        choice_field(self, "provider").choices = [
            ("", "選んでください"), *[(pk, p.name) for pk, p in self.providers.items()],
            (NEW_PROVIDER, "（新しい団体を登録する）")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("provider") == NEW_PROVIDER and not data.get("new_provider", "").strip():
            self.add_error("new_provider", "新しい運営団体の名称を入力してください。")
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


def place_initial(place: Place) -> dict[str, Any]:
    return {"provider": str(place.provider_id),
            **{name: getattr(place, name) for name in EDITABLE_FIELDS}}


class VerifyForm(Form):
    verified_on = WarekiDateField(label="確認日")


class UploadForm(Form):
    file = forms.FileField(label="回答された調査票（Excel）または LoGoフォームの CSV")
