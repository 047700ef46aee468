"""Plain forms of the meeting screens; they parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from kasane.accounts.selectors import staff_choices
from kasane.areas.models import AreaKind
from kasane.areas.selectors import areas
from kasane.cases.forms import org_choices
from kasane.cases.models import ClosureReason
from kasane.core.forms import Form, WarekiDateField, WarekiDateTimeField, choice_field

from .models import DecisionKind, MeetingType


class BodyForm(Form):
    name = forms.CharField(label="会議体の名称", max_length=100,
                           error_messages={"required": "会議体の名称を入力してください。"})
    type = forms.ChoiceField(label="位置付け", choices=MeetingType.choices)
    area = forms.ChoiceField(label="圏域（福祉のまちづくり委員会）", required=False)
    designated_from = forms.CharField(
        label="既存の会議体を位置付ける場合の名称", max_length=100, required=False,
        help_text="例: 地域ケア会議、自立支援協議会 部会、要保護児童対策地域協議会、支援調整会議")
    legal_basis = forms.CharField(label="法的根拠", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    review_days = forms.IntegerField(label="会議後の閲覧期間（日）", min_value=0, max_value=365,
                                     initial=30)
    standing_org_ids = forms.MultipleChoiceField(label="構成機関", required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    standing_user_ids = forms.MultipleChoiceField(label="構成員（年度ごとに誓約）", required=False,
                                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "standing_org_ids").choices = org_choices(municipality_id)[1:]
        choice_field(self, "area").choices = [("", "—"), *[
            (a.pk, a.name) for a in areas(municipality_id, AreaKind.DAILY_LIFE_AREA)]]
        choice_field(self, "standing_user_ids").choices = staff(municipality_id)


def staff(municipality_id: int) -> list[tuple[Any, str]]:
    """Attendees, standing members, 主担当者: staff with a case role (``accounts.selectors``)."""
    return list(staff_choices(municipality_id=municipality_id))


class MeetingForm(Form):
    starts_at = WarekiDateTimeField(label="開始日時")
    ends_at = WarekiDateTimeField(label="終了日時", required=False)
    place = forms.CharField(label="場所", max_length=200, required=False)
    online = forms.BooleanField(label="オンライン併用", required=False)


class AttendeeForm(Form):
    user = forms.ChoiceField(label="出席者")

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "user").choices = [("", "選んでください"), *staff(municipality_id)]


class AgendaForm(Form):
    case_id = forms.IntegerField(label="ケース番号", min_value=1,
                                 error_messages={"required": "ケース番号を入力してください。",
                                                 "invalid": "ケース番号は数字で入力してください。"},
                                 help_text="ケースの画面に表示される番号（#の後の数字）")
    title = forms.CharField(label="議題名（誓約前の出席者にも見えます）", max_length=100,
                            required=False, help_text="氏名・住所は書かないでください。空欄なら「提出機関からの相談」")
    question = forms.CharField(label="会議で検討したいこと", max_length=2000,
                               error_messages={"required": "会議で検討したいことを入力してください。"},
                               widget=forms.Textarea(attrs={"rows": 3}))


class MinutesForm(Form):
    minutes = forms.CharField(label="議事録", required=False, max_length=8000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label="修正の理由（確定後の修正のみ）", required=False, max_length=300)


class DecisionForm(Form):
    kind = forms.ChoiceField(label="決定の種類", choices=[("", "選んでください"), *DecisionKind.choices])
    text = forms.CharField(label="内容", required=False, max_length=500)
    plan_id = forms.ChoiceField(label="承認する支援プラン", required=False)
    lead_org = forms.ChoiceField(label="主担当機関", required=False)
    lead_user = forms.ChoiceField(label="主担当者", required=False)
    review_on = WarekiDateField(label="次回の見直し日", required=False)
    referred_body = forms.ChoiceField(label="付議先の会議体", required=False)
    closure_reason = forms.ChoiceField(label="終結理由", required=False,
                                       choices=[("", "—"), *ClosureReason.choices])
    confirm_close = forms.BooleanField(label="ケースを終結することを確認しました（終結の承認のとき）",
                                       required=False)

    def __init__(self, *args: Any, municipality_id: int, plans: list[Any], bodies: list[Any],
                 orgs: list[tuple[Any, str]] | None = None,
                 users: list[tuple[Any, str]] | None = None, **kwargs: Any) -> None:
        """``orgs``/``users``: the choices of ``org_choices(municipality_id, "—", case_staff=True)`` and
        ``staff(municipality_id)`` when a page shows one form per agenda item."""
        super().__init__(*args, **kwargs)
        choice_field(self, "plan_id").choices = [("", "—"), *[(p.pk, f"第{p.version}版（案）") for p in plans]]
        choice_field(self, "lead_org").choices = orgs if orgs is not None else org_choices(
            municipality_id, "—", case_staff=True)
        choice_field(self, "lead_user").choices = [("", "—"), *(users if users is not None else staff(municipality_id))]
        choice_field(self, "referred_body").choices = [("", "—"), *[(b.pk, b.name) for b in bodies]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == DecisionKind.CLOSURE_APPROVED and not data.get("confirm_close"):
            self.add_error("confirm_close", "終結を承認するときは、確認にチェックを入れてください。")
        return data


class MemberForm(Form):
    name = forms.CharField(label="氏名", max_length=100,
                           error_messages={"required": "氏名を入力してください。"})
    affiliation = forms.CharField(label="所属・役職", max_length=100, required=False,
                                  help_text="例: 北部地区自治会連合会 会長、民生委員・児童委員協議会")


class NetworkRecordForm(Form):
    """The record of a network meeting: theme, minutes, decisions, attendance."""

    theme = forms.CharField(label="テーマ", max_length=200, required=False)
    minutes = forms.CharField(label="議事録", max_length=8000, required=False,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="個人が特定できる情報は書かないでください。")
    decisions = forms.CharField(label="決定事項", max_length=4000, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    attendance_count = forms.IntegerField(label="出席者数", min_value=0, max_value=999,
                                          required=False)
    present_member_ids = forms.MultipleChoiceField(label="出席した委員", required=False,
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, members: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "present_member_ids").choices = [
            (m.pk, f"{m.name}（{m.affiliation}）" if m.affiliation else m.name)
            for m in members or []]
