"""Forms of the directory screens (parse only; ``services`` check and write)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django import forms
from django.db import models
from django.forms.models import fields_for_model

from kasane.core.forms import Form, WarekiDateField, choice_field

from .models import Place, PlaceKind, Provider, Weekday
from .services import EDITABLE_FIELDS, ScheduleIn

NEW_PROVIDER = "new"
WEEKDAY_BY_LABEL = {w.label: w.value for w in Weekday}
_SCHEDULE_LINE = re.compile(r"^(?P<day>[月火水木金土日])(?:曜日?)?\s*"
                            r"(?:(?P<opens>\d{1,2}:\d{2})\s*[-〜~ー－]\s*(?P<closes>\d{1,2}:\d{2}))?"
                            r"\s*(?P<note>.*)$")


def parse_schedules(text: str) -> list[ScheduleIn]:
    """Lines like 「月 10:00-12:00 午前のみ」 → weekly rows; ValidationError naming the line."""
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line:
            continue
        m = _SCHEDULE_LINE.match(line)
        if m is None:
            raise forms.ValidationError(
                f"{number}行目: 「月 10:00-12:00」のように曜日と時間を書いてください。")
        try:
            opens = dt.time.fromisoformat(m["opens"].zfill(5)) if m["opens"] else None
            closes = dt.time.fromisoformat(m["closes"].zfill(5)) if m["closes"] else None
        except ValueError:
            raise forms.ValidationError(f"{number}行目: 時刻は 0:00〜23:59 で書いてください。") from None
        if opens and closes and closes <= opens:
            raise forms.ValidationError(f"{number}行目: 終了時刻は開始時刻より後にしてください。")
        rows.append(ScheduleIn(WEEKDAY_BY_LABEL[m["day"]], opens, closes, m["note"].strip()[:100]))
    return rows


def schedules_text(place: Place) -> str:
    return "\n".join(
        " ".join(part for part in (s.get_weekday_display(),
                                   f"{s.opens_at:%H:%M}-{s.closes_at:%H:%M}"
                                   if s.opens_at and s.closes_at else "", s.note) if part)
        for s in place.schedules.all())


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


def _formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"  # Django 6's default; no deprecation warning
    if isinstance(field, models.DateField):
        return WarekiDateField(label=field.verbose_name, help_text=field.help_text,
                               required=False)
    return field.formfield(**kwargs)


class PlaceForm(Form):
    """Every editable field of a place plus its provider (an existing one, or a new name)."""

    provider = forms.ChoiceField(label="運営団体")
    new_provider = forms.CharField(label="新しい運営団体の名称", required=False, max_length=150,
                                   help_text="一覧にないときだけ入力してください。")
    schedule_rows = forms.CharField(
        label="開催日時（毎週）", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="1行に1つ。例：「月 10:00-12:00」「木 13:00-15:00 午後のみ」")

    def clean_schedule_rows(self) -> list[ScheduleIn]:
        return parse_schedules(self.cleaned_data.get("schedule_rows") or "")

    def __init__(self, *args: Any, providers: list[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in fields_for_model(Place, fields=EDITABLE_FIELDS,
                                            formfield_callback=_formfield).items():
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
    return {"provider": str(place.provider_id), "schedule_rows": schedules_text(place),
            **{name: getattr(place, name) for name in EDITABLE_FIELDS}}


class VerifyForm(Form):
    verified_on = WarekiDateField(label="確認日")


class UploadForm(Form):
    file = forms.FileField(label="回答された調査票（Excel）または LoGoフォームの CSV")
