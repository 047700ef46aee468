"""Plain forms of the 地域づくり screens; they parse input, the services decide. Short enough
for a smartphone (the 気づき form has four fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from kasane.areas.models import Area
from kasane.cases.models import ProjectTag
from kasane.core import messages
from kasane.core.forms import Form, WarekiDateField, choice_field

from .models import ActivityKind, IssueStatus, ReportChannel, WatcherKind

THEMES = [("shopping", "買い物"), ("mobility", "移動"), ("place", "居場所"), ("watch", "孤立・見守り"),
          ("children", "子育て"), ("child_poverty", "子どもの貧困"), ("elderly", "高齢"),
          ("disability", "障がい"), ("poverty", "困窮"), ("foreign", "外国人・多文化"),
          ("housing", "住まい・空き家"), ("disaster", "防災"), ("information", "情報提供"),
          ("other", "その他")]  # the 地域課題シート's theme codes (definitions/area_issue.json)
THEME_LABELS = dict(THEMES)


class PastDateField(WarekiDateField):
    """A date that cannot lie in the future (the services check it too; here it shows at the
    field together with the form's other errors)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(messages.FUTURE_DATE, code="future")


def _area_field(form: forms.BaseForm, areas: list[Area] | None, blank: str = "選んでください") -> None:
    choice_field(form, "area").choices = [("", blank), *[(a.pk, a.name) for a in areas or []]]


class IssueForm(Form):
    area = forms.ChoiceField(label="圏域")
    title = forms.CharField(label="件名", max_length=200)
    description = forms.CharField(label="内容", max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text="個人が特定できる情報（氏名・住所・電話番号）は書かないでください。")
    themes = forms.MultipleChoiceField(label="テーマ", choices=THEMES, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, areas: list[Area] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _area_field(self, areas)


class StatusForm(Form):
    status = forms.ChoiceField(label="状態", choices=IssueStatus.choices)
    confirm_back = forms.BooleanField(label="前の状態に戻すことを確認しました", required=False)


class ActionForm(Form):
    on = PastDateField(label="日付")
    content = forms.CharField(label="取組の内容", max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label="担い手", max_length=100, required=False,
                            help_text="例: 北部地区社協、商店会、CSW")
    due_on = WarekiDateField(label="期限", required=False)
    meeting = forms.ChoiceField(label="協議した会議", required=False,
                                help_text="委員会で協議したときは、その回を選んでください（国への報告「協議件数」）。")
    resource = forms.ChoiceField(label="生まれた社会資源", required=False,
                                 help_text="この取組で新しい場が生まれたときは選んでください（「創出された社会資源数」）。")
    start = forms.BooleanField(label="この地域課題を「取組中」にする", required=False, initial=True)

    def __init__(self, *args: Any, meetings: list[tuple[Any, str]] | None = None,
                 places: list[tuple[Any, str]] | None = None, **kwargs: Any) -> None:
        """``meetings`` / ``places``: (id, label) choices (``selectors.action_choices``)."""
        super().__init__(*args, **kwargs)
        choice_field(self, "meeting").choices = [("", "（なし）"), *(meetings or [])]
        choice_field(self, "resource").choices = [("", "（なし）"), *(places or [])]


class ActivityForm(Form):
    kind = forms.ChoiceField(label="種類", choices=ActivityKind.choices)
    held_on = PastDateField(label="実施日")
    area = forms.ChoiceField(label="圏域", required=False)
    title = forms.CharField(label="テーマ・名称", max_length=200, required=False)
    place = forms.CharField(label="場所", max_length=200, required=False)
    partners = forms.CharField(label="一緒に取り組んだ相手", max_length=200, required=False,
                               help_text="例: 自治会、民生委員、商店会")
    target = forms.CharField(label="対象", max_length=200, required=False)
    content = forms.CharField(label="内容", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    sessions = forms.IntegerField(label="回数", initial=1, required=False)
    participants = forms.IntegerField(label="参加者数", initial=0, required=False)
    consultations = forms.IntegerField(label="受けた相談", initial=0, required=False)
    connected = forms.IntegerField(label="つないだ数", initial=0, required=False)
    completions = forms.IntegerField(label="修了者数（研修・講座）", initial=0, required=False)
    tags = forms.MultipleChoiceField(label="事業（複数可）", choices=ProjectTag.choices,
                                     required=False, widget=forms.CheckboxSelectMultiple)
    case_ids = forms.CharField(label="この場で開始したケースの番号", required=False,
                               help_text="複数は「,」で区切る（例: 12, 15）")

    def __init__(self, *args: Any, areas: list[Area] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _area_field(self, areas, "—（市全域）")
        for name in ("sessions", "participants", "consultations", "connected", "completions"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean_case_ids(self) -> list[int]:
        text = self.cleaned_data.get("case_ids") or ""
        parts = [p.strip().lstrip("#") for p in text.replace("、", ",").split(",") if p.strip()]
        if any(not p.isdigit() for p in parts):
            raise forms.ValidationError("ケース番号は数字で入力してください。")
        return [int(p) for p in parts]


class HubLogForm(Form):
    on = PastDateField(label="日付")
    visits_children = forms.IntegerField(label="小学生以下", initial=0, required=False)
    visits_teens = forms.IntegerField(label="中高生", initial=0, required=False)
    visits_adults = forms.IntegerField(label="18〜64歳", initial=0, required=False)
    visits_elderly = forms.IntegerField(label="65歳以上", initial=0, required=False)
    consultations = forms.IntegerField(label="相談", initial=0, required=False)
    connected = forms.IntegerField(label="つないだ数", initial=0, required=False)
    connected_to = forms.CharField(label="つないだ先", max_length=300, required=False,
                                   help_text="機関名だけを書きます（氏名は書かない）。")
    note = forms.CharField(label="メモ", max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                field.widget.attrs["inputmode"] = "numeric"


class WatcherForm(Form):
    area = forms.ChoiceField(label="圏域")
    kind = forms.ChoiceField(label="種類", choices=WatcherKind.choices)
    name = forms.CharField(label="氏名・事業者名", max_length=100)
    contact = forms.CharField(label="連絡先", max_length=100, required=False)

    def __init__(self, *args: Any, areas: list[Area] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _area_field(self, areas)


class ReportForm(Form):
    """The short 気づき form (entered by staff, usually from a phone call)."""

    area = forms.ChoiceField(label="圏域")
    watcher = forms.ChoiceField(label="報告者", required=False)
    received_on = PastDateField(label="受けた日")
    channel = forms.ChoiceField(label="受け方", choices=ReportChannel.choices[:4])
    summary = forms.CharField(label="気づきの内容", max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="例: 新聞が3日分たまっている。氏名・番地は書かないでください。")
    place_hint = forms.CharField(label="場所の目安", max_length=200, required=False,
                                 help_text="町名・目印など")

    def __init__(self, *args: Any, areas: list[Area] | None = None,
                 watchers: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _area_field(self, areas)
        choice_field(self, "watcher").choices = [("", "—"), *[
            (w.pk, f"{w.name}（{w.get_kind_display()}・{w.area.name}）") for w in watchers or []]]


class FileForm(Form):
    file = forms.FileField(label="ファイル")
