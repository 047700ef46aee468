"""Plain forms: a municipality's own field or own sheet."""

from __future__ import annotations

from typing import Any

from django import forms

from kasane.core.forms import Form

from .schema import KEY_RE, TAGS

SIMPLE_TYPES = [
    ("text", "短い文字"), ("longtext", "長い文章"), ("date", "日付"), ("number", "数値"),
    ("boolean", "はい／いいえ"), ("choice", "選択（1つ）"), ("multi_choice", "選択（複数）"),
]


class FieldForm(Form):
    section_title = forms.CharField(label="区分（見出し）", max_length=100, initial="独自項目")
    key = forms.CharField(label="項目キー（英小文字・数字・_）", max_length=60,
                          help_text="例: local_visit_count。一度使ったキーは変更・再利用できません。")
    label = forms.CharField(label="項目名", max_length=100)
    type = forms.ChoiceField(label="種類", choices=SIMPLE_TYPES)
    required = forms.BooleanField(label="提出時に必須", required=False)
    own_org_only = forms.BooleanField(
        label="機微情報（記録した機関だけが読める）", required=False,
        help_text="文字の項目だけ。他の機関には「機微情報（記録機関のみ）」と表示されます。")
    choices = forms.CharField(label="選択肢（1行に「コード:表示名」）", required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="選択の種類のときだけ。例: yes:あり")

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        if not KEY_RE.match(key):
            raise forms.ValidationError("英小文字で始め、英小文字・数字・_ だけを使ってください。")
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("type") in {"choice", "multi_choice"}:
            pairs = []
            for n, line in enumerate((data.get("choices") or "").splitlines(), start=1):
                if not line.strip():
                    continue
                code, sep, label = line.partition(":")
                if not sep or not KEY_RE.match(code.strip()) and not code.strip().isdigit():
                    self.add_error("choices", f"{n}行目は「コード:表示名」の形にしてください。")
                    continue
                pairs.append([code.strip(), label.strip() or code.strip()])
            if not pairs and "choices" not in self.errors:
                self.add_error("choices", "選択肢を1つ以上入力してください。")
            data["choice_list"] = pairs
        if data.get("own_org_only") and data.get("type") not in {"text", "longtext"}:
            self.add_error("own_org_only", "機微情報の指定は「短い文字」「長い文章」の項目だけにできます。")
        return data

    def field_spec(self) -> dict[str, Any]:
        d = self.cleaned_data
        spec: dict[str, Any] = {"key": d["key"], "label": d["label"], "type": d["type"]}
        if d.get("required"):
            spec["required"] = True
        if d["type"] in {"choice", "multi_choice"}:
            spec["choices"] = d["choice_list"]
        if d["type"] == "date":
            spec["past"] = False
        if d.get("own_org_only"):
            spec["own_org_only"] = True
        return spec


class OwnSheetForm(FieldForm):
    code = forms.CharField(label="帳票コード（英小文字・数字・_）", max_length=60)
    title = forms.CharField(label="帳票名", max_length=200)
    tags = forms.MultipleChoiceField(label="事業", choices=list(TAGS.items()), required=False,
                                     widget=forms.CheckboxSelectMultiple)
    field_order = ["code", "title", "tags", "key", "label", "type", "required", "own_org_only",
                   "choices"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["section_title"]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not KEY_RE.match(code):
            raise forms.ValidationError("英小文字で始め、英小文字・数字・_ だけを使ってください。")
        return code


class LiaisonRouteForm(Form):
    """つなぐシートの振り分け: one sending organization → its coordinator."""

    sending_org = forms.TypedChoiceField(label="送信元の機関（施設）", coerce=int, choices=[])
    coordinator = forms.TypedChoiceField(label="担当の推進員", coerce=int, choices=[])

    def __init__(self, *args: Any, orgs: list[tuple[int, str]], coordinators: list[tuple[int, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sending_org"].choices = [("", "選んでください"), *orgs]  # type: ignore[attr-defined]
        self.fields["coordinator"].choices = [("", "選んでください"), *coordinators]  # type: ignore[attr-defined]
