"""Forms of the 参加支援 and 人材バンク screens (Japanese messages, 和暦 dates, smartphone-wide)."""

from __future__ import annotations

from typing import Any

from django import forms

from kasane.areas.models import Area, AreaKind
from kasane.core.forms import Form, WarekiDateField
from kasane.resources.models import PlaceKind

from .models import (
    Answer,
    AnswerVia,
    Condition,
    Day,
    EndReason,
    Outcome,
    Role,
    TimeBand,
    Transport,
    VolunteerKind,
)

CHECKS = forms.CheckboxSelectMultiple
SHEET_END_REASONS = [c for c in EndReason.choices
                     if c[0] not in (EndReason.INTERRUPTED, EndReason.ELSEWHERE)]


def _areas(municipality_id: int) -> list[tuple[str, str]]:
    rows = Area.objects.filter(municipality_id=municipality_id,
                               kind=AreaKind.DAILY_LIFE_AREA).order_by("code")
    return [("", "指定なし")] + [(str(a.pk), a.name) for a in rows]


class WishForm(Form):
    wants = forms.CharField(label="やりたいこと", widget=forms.Textarea(attrs={"rows": 3}))
    strengths = forms.CharField(label="得意なこと", required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    roles = forms.MultipleChoiceField(label="参加の形", choices=Role.choices, widget=CHECKS)
    kinds = forms.MultipleChoiceField(label="場の種類（希望があれば）", required=False,
                                      choices=PlaceKind.choices, widget=CHECKS)
    days = forms.MultipleChoiceField(label="曜日", required=False, choices=Day.choices,
                                     widget=CHECKS)
    time_bands = forms.MultipleChoiceField(label="時間帯", required=False,
                                           choices=TimeBand.choices, widget=CHECKS)
    area = forms.ChoiceField(label="圏域", required=False)
    transport = forms.ChoiceField(label="移動手段", required=False,
                                  choices=[("", "—")] + Transport.choices)
    needs_accessibility = forms.BooleanField(label="バリアフリーが必要", required=False)
    needs_escort = forms.BooleanField(label="送迎が必要", required=False)
    max_cost = forms.IntegerField(label="費用の上限（円・1回あたり）", required=False, min_value=0)
    considerations = forms.CharField(label="配慮事項", required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, municipality_id: int, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["area"].choices = _areas(municipality_id)  # type: ignore[attr-defined]

    def data_for_service(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d.pop("lock_version", None)
        return d


class AnswerForm(Form):
    answer = forms.ChoiceField(label="受入先の回答", choices=Answer.choices,
                               widget=forms.RadioSelect)
    answer_on = WarekiDateField(label="回答日")
    via = forms.ChoiceField(label="回答の方法", required=False,
                            choices=[c for c in AnswerVia.choices if c[0] != AnswerVia.SYSTEM])
    note = forms.CharField(label="条件・メモ", required=False, max_length=500)
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HostAnswerForm(AnswerForm):
    """The place's own answer (no 方法: it answers through the system)."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        del self.fields["via"]


class DateStepForm(Form):
    on = WarekiDateField(label="日付")
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EndForm(DateStepForm):
    end_reason = forms.ChoiceField(label="終了の理由", choices=SHEET_END_REASONS)


class FollowUpForm(Form):
    on = WarekiDateField(label="実施日")
    method = forms.ChoiceField(label="方法", required=False, choices=[
        ("", "—"), ("visit", "訪問"), ("phone", "電話"), ("office", "来所"), ("online", "オンライン")])
    condition = forms.ChoiceField(label="様子", choices=Condition.choices)
    outcome = forms.ChoiceField(label="結果", choices=Outcome.choices, initial=Outcome.CONTINUE,
                                widget=forms.RadioSelect)
    note = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    host_support = forms.CharField(label="受入先への支援", required=False, max_length=500)
    next_on = WarekiDateField(label="次回", required=False)


class VolunteerForm(Form):
    kind = forms.ChoiceField(label="区分", choices=VolunteerKind.choices)
    name = forms.CharField(label="氏名", max_length=100)
    name_kana = forms.CharField(label="ふりがな", required=False, max_length=100)
    phone = forms.CharField(label="電話", required=False, max_length=30)
    courses = forms.CharField(label="受講した講座（1行に1つ）", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    interests = forms.CharField(label="関心のあること", required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    kinds = forms.MultipleChoiceField(label="関わりたい場の種類", required=False,
                                      choices=PlaceKind.choices, widget=CHECKS)
    days = forms.MultipleChoiceField(label="曜日", required=False, choices=Day.choices,
                                     widget=CHECKS)
    time_bands = forms.MultipleChoiceField(label="時間帯", required=False,
                                           choices=TimeBand.choices, widget=CHECKS)
    area = forms.ChoiceField(label="圏域", required=False)

    def __init__(self, *args: Any, municipality_id: int, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["area"].choices = _areas(municipality_id)  # type: ignore[attr-defined]


class HelpRequestForm(Form):
    place = forms.ChoiceField(label="場")
    title = forms.CharField(label="募集の内容", max_length=200)
    detail = forms.CharField(label="詳しく", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    days = forms.MultipleChoiceField(label="曜日", required=False, choices=Day.choices,
                                     widget=CHECKS)
    time_bands = forms.MultipleChoiceField(label="時間帯", required=False,
                                           choices=TimeBand.choices, widget=CHECKS)
    wanted = forms.IntegerField(label="募集人数", min_value=1, max_value=99, initial=1)

    def __init__(self, *args: Any, places: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["place"].choices = places  # type: ignore[attr-defined]


class NoteForm(Form):
    on = WarekiDateField(label="日付")
    text = forms.CharField(label="伴走メモ", widget=forms.Textarea(attrs={"rows": 2}))


class HoursForm(Form):
    on = WarekiDateField(label="日付")
    hours = forms.DecimalField(label="時間", min_value=0, max_value=24, decimal_places=2)
    place = forms.ChoiceField(label="場", required=False)
    note = forms.CharField(label="メモ", required=False, max_length=200)

    def __init__(self, *args: Any, places: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["place"].choices = [("", "—")] + places  # type: ignore[attr-defined]
