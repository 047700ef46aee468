"""Forms of the areas screens (parse only; services decide)."""

from __future__ import annotations

from typing import Any

from django import forms

from kasane.core.forms import Form, choice_field

from .models import Area
from .selectors import areas


class ImportForm(Form):
    file = forms.FileField(label="ファイル（CSV・Excel）",
                           help_text="圏域の表（列: 種別・コード・名称・上位コード・境界）または"
                                     "住所の対応表（列: 住所・日常生活圏域・小地域・民生委員地区）。"
                                     "Excel は両方のシートを一度に取り込めます。")
    dry_run = forms.BooleanField(label="確認だけ行う（取り込まない）", required=False)


class AddressRowForm(Form):
    address_prefix = forms.CharField(label="住所（町丁目まで）", max_length=200,
                             help_text="例：重ね市本町一丁目。この文字で始まる住所がこの圏域になります。")
    area = forms.ChoiceField(label="圏域")

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = {str(a.pk): a for a in areas(municipality_id)}
        choice_field(self, "area").choices = [("", "選んでください")] + [
            (pk, f"{a.get_kind_display()} {a.code} {a.name}") for pk, a in self.areas.items()]

    def area_obj(self) -> Area:
        return self.areas[self.cleaned_data["area"]]
