"""core.forms: one Japanese voice for every field type, the error summary, 和暦 date fields and
the service errors on a form."""

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kasane.core import forms as core_forms
from kasane.core.forms import (
    Form,
    WarekiDateField,
    WarekiDateTimeField,
    add_service_errors,
    check_invalid_form,
    error_summary,
    parse_datetime_text,
    service_error_texts,
)


class Everything(Form):
    name = forms.CharField(label="氏名", max_length=3)
    kana = forms.CharField(label="フリガナ", min_length=2, required=False)
    kind = forms.ChoiceField(label="種別", choices=[("a", "A")])
    tags = forms.MultipleChoiceField(label="タグ", choices=[("a", "A")], required=False)
    count = forms.IntegerField(label="回数", min_value=1, max_value=9, required=False)
    rate = forms.DecimalField(label="率", max_digits=3, decimal_places=1, required=False)
    agree = forms.BooleanField(label="同意")
    day = forms.DateField(label="日付", required=False)
    file = forms.FileField(label="ファイル", required=False)
    custom = forms.CharField(label="独自", error_messages={"required": "独自の文です。"})


def _errors(data):
    form = Everything(data)
    assert not form.is_valid()
    return {k: list(v) for k, v in form.errors.items()}


def test_it_replaces_djangos_required_messages_by_field_type():
    errors = _errors({})
    assert errors["name"] == ["入力してください。"]
    assert errors["kind"] == ["選んでください。"]
    assert errors["agree"] == ["チェックを入れてください。"]
    assert errors["custom"] == ["独自の文です。"]  # a form's own text is kept


def test_it_replaces_invalid_length_and_limit_messages():
    errors = _errors({"name": "山田太郎", "kana": "ア", "kind": "z", "tags": ["z"], "count": "10",
                      "rate": "1.25", "agree": "on", "day": "x", "custom": "c"})
    assert errors["name"] == ["3文字以内で入力してください（いまは4文字）。"]
    assert errors["kana"] == ["2文字以上で入力してください。"]
    assert errors["kind"] == errors["tags"] == ["一覧から選んでください。"]
    assert errors["count"] == ["9以下の数を入力してください。"]
    assert errors["rate"] == ["小数点以下は1桁までで入力してください。"]
    assert errors["day"][0].startswith("日付として読めません")
    errors = _errors({"count": "x", "rate": "y", "name": "a", "kind": "a", "agree": "on",
                      "custom": "c"})
    assert errors == {"count": ["整数で入力してください。"], "rate": ["数字で入力してください。"]}


def test_it_covers_fields_added_in_a_forms_own_init():
    class Late(Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["goal"] = forms.ChoiceField(label="評価", choices=[("a", "A")],
                                                    widget=forms.RadioSelect)

    form = Late({})
    assert not form.is_valid() and form.errors["goal"] == ["選んでください。"]


def test_it_lists_every_error_named_with_a_link_to_its_field():
    form = Everything({"name": "山田太郎", "kind": "a", "agree": "on", "custom": "c"})
    form.is_valid()
    form.add_error(None, "全体の誤りです。")
    rows = error_summary(form)
    assert rows[0] == {"text": "全体の誤りです。", "id": ""}
    assert {"text": "氏名: 3文字以内で入力してください（いまは4文字）。", "id": "id_name"} in rows


def test_it_puts_service_errors_on_fields_or_names_them_on_top():
    form = Everything({})
    form.is_valid()
    add_service_errors(form, ValidationError({"name": "別の誤り。", "reason": "理由がありません。"}),
                       labels={"reason": "戻す理由"})
    assert "別の誤り。" in form.errors["name"]
    assert form.non_field_errors() == ["戻す理由: 理由がありません。"]
    assert service_error_texts(ValidationError({"on": "未来です。"}), {"on": "日付"}) == ["日付: 未来です。"]


def test_it_runs_the_service_check_on_an_invalid_form_without_doubling_errors():
    form = Everything({"name": "山田太郎", "kind": "a", "agree": "on", "custom": "c",
                       "count": "3"})

    def check(data):
        assert "name" not in data and data["count"] == 3
        raise ValidationError({"name": "二つ目。", "count": "サービスの誤り。"})

    form.is_valid()
    check_invalid_form(form, check)
    assert form.errors["name"] == ["3文字以内で入力してください（いまは4文字）。"]
    assert form.errors["count"] == ["サービスの誤り。"]


class Dates(Form):
    on = WarekiDateField(label="日付")
    at = WarekiDateTimeField(label="日時", required=False)


@pytest.mark.parametrize("typed,expected", [
    ("令和8年12月9日", dt.date(2026, 12, 9)), ("R8.12.9", dt.date(2026, 12, 9)),
    ("2026-12-09", dt.date(2026, 12, 9)), ("２０２６／１２／９", dt.date(2026, 12, 9)),
])
def test_it_reads_dates_in_japanese_order(typed, expected):
    form = Dates({"on": typed})
    assert form.is_valid() and form.cleaned_data["on"] == expected


def test_it_explains_a_date_it_cannot_read():
    form = Dates({"on": "12/09/2026"})
    assert not form.is_valid()
    assert form.errors["on"] == ["日付として読めません（例: 令和8年12月9日、R8.12.9、2026-12-09）。"]
    form = Dates({"on": "令和8年2月30日"})
    assert not form.is_valid() and form.errors["on"] == ["存在しない日付です（令和8年2月30日）。"]


def test_it_shows_dates_in_wareki_in_a_text_input_never_the_browsers_picker():
    html = str(Dates(initial={"on": dt.date(2026, 12, 9)})["on"])
    assert 'type="text"' in html and 'value="令和8年12月9日"' in html
    assert 'placeholder="例: 令和8年12月9日"' in html and 'inputmode=' in html
    assert 'value="令和8年12月9日"' in str(Dates(initial={"on": "2026-12-09"})["on"])
    assert 'value="R8.12.9"' in str(Dates({"on": "R8.12.9"})["on"])  # typed text stays


@pytest.mark.parametrize("typed", ["令和8年12月9日 14:05", "令和8年12月9日14:05", "R8.12.9 14:05",
                                   "2026-12-09 14:05", "2026-12-09T14:05", "2026/12/9 14時05分"])
def test_it_reads_a_date_and_time(typed):
    at = parse_datetime_text(typed)
    assert timezone.is_aware(at)
    assert timezone.localtime(at).replace(tzinfo=None) == dt.datetime(2026, 12, 9, 14, 5)


def test_it_shows_a_datetime_in_wareki_and_refuses_a_bad_one():
    at = timezone.make_aware(dt.datetime(2026, 12, 9, 14, 5))
    assert 'value="令和8年12月9日 14:05"' in str(Dates(initial={"at": at})["at"])
    assert 'value="令和8年12月9日 14:05"' in str(Dates(initial={"at": "2026-12-09T14:05"})["at"])
    form = Dates({"on": "R8.1.1", "at": "2026-12-09 25:00"})
    assert not form.is_valid() and form.errors["at"][0].startswith("日時として読めません")


def test_it_asks_for_a_file_as_a_choice():
    assert core_forms.japanese_messages(forms.FileField())["required"] == "ファイルを選んでください。"
