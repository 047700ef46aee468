"""Plain forms of the case screens; they parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from kasane.accounts.selectors import agencies, organizations_with_roles
from kasane.accounts.selectors import staff_choices as staff_with_roles_choices
from kasane.core.forms import Form, WarekiDateField, WarekiDateTimeField, choice_field
from kasane.core.wareki import format_wareki

from .models import ClosureReason, GoalResult, Method, ProjectTag, Stage, Status, Triage

TASK_ROWS = 4


def org_choices(municipality_id: int, blank: str = "選んでください", *,
                case_staff: bool = False) -> list[tuple[Any, str]]:
    """機関 pickers (``accounts.selectors``): the agencies that take part in support, never a back
    office such as 情報政策課; with ``case_staff`` only those with case staff (who can answer a
    referral or lead a case). The services refuse any other id."""
    orgs = (organizations_with_roles(municipality_id=municipality_id) if case_staff
            else agencies(municipality_id=municipality_id))
    return [("", blank), *orgs.values_list("pk", "name")]


def staff_choices(municipality_id: int) -> list[tuple[Any, str]]:
    """Staff with a case role only (never 監査, 管理者, 委員)."""
    return [("", "選んでください"), *staff_with_roles_choices(municipality_id=municipality_id)]


class OpenForm(Form):
    person_ids = forms.CharField(label="本人ID", help_text="本人ページの「この方のケースを開く」から入ります。複数はカンマ区切り。")
    summary = forms.CharField(label="相談の概要", widget=forms.Textarea(attrs={"rows": 4}))
    triage = forms.ChoiceField(label="分類", required=False, choices=[("", "未分類")] + Triage.choices)
    tags = forms.MultipleChoiceField(label="事業", required=False, choices=ProjectTag.choices,
                                     widget=forms.CheckboxSelectMultiple)

    def clean_person_ids(self) -> list[int]:
        raw = self.cleaned_data["person_ids"].replace("、", ",")
        try:
            return [int(p) for p in raw.split(",") if p.strip()]
        except ValueError:
            raise forms.ValidationError("本人IDは数字で入力してください。") from None


class StatusForm(Form):
    """「状態を進める」: only the case's allowed next statuses, nearest first (the default)."""

    to_status = forms.ChoiceField(label="次の状態")
    note = forms.CharField(label="メモ", required=False, max_length=300)
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        labels = dict(Status.choices)
        choice_field(self, "to_status").choices = [(s, labels[s]) for s in case.next_statuses]


class StatusBackForm(Form):
    """「前の状態に戻す」: an explicit choice of an earlier status, a reason and a confirmation."""

    to_status = forms.ChoiceField(label="戻す先の状態")
    note = forms.CharField(label="戻す理由", max_length=300,
                           widget=forms.Textarea(attrs={"rows": 2}))
    confirm_back = forms.BooleanField(label="ケースの状態を前に戻すことを確認しました")
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        labels = dict(Status.choices)
        choice_field(self, "to_status").choices = [("", "選んでください"), *[
            (s, labels[s]) for s in case.earlier_statuses]]


class ReferralForm(Form):
    to_org = forms.ChoiceField(label="つなぐ先の機関")
    reason = forms.CharField(label="依頼の内容", widget=forms.Textarea(attrs={"rows": 4}))
    consent = forms.ChoiceField(label="本人同意", help_text="つなぐ先の機関を共有先に含む、有効な同意を選びます。")
    due_on = WarekiDateField(label="回答期限", required=False, help_text="空欄なら7日後")

    def __init__(self, *args: Any, municipality_id: int, consents: list[Any], **kw: Any) -> None:
        super().__init__(*args, **kw)
        choice_field(self, "to_org").choices = org_choices(municipality_id, case_staff=True)
        choice_field(self, "consent").choices = [("", "選んでください")] + [
            (c.pk, f"{c.person.full_name} {format_wareki(c.obtained_on)}の同意（{'、'.join(o.name for o in c.organizations.all())}）")
            for c in consents]


class RespondForm(Form):
    answer = forms.ChoiceField(label="回答", choices=[("accept", "受理する"), ("decline", "辞退する"),
                                                    ("propose", "別の方法を提案する")],
                               widget=forms.RadioSelect)
    text = forms.CharField(label="理由・提案の内容", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="辞退と提案では必須です。")


class ContactForm(Form):
    at = WarekiDateTimeField(label="日時")
    method = forms.ChoiceField(label="方法", choices=Method.choices)
    reached = forms.TypedChoiceField(label="本人に会えた・話せた", coerce=lambda v: v == "1",
                                     choices=[("1", "会えた・話せた"), ("0", "会えなかった（不在・拒否など）")],
                                     widget=forms.RadioSelect)
    not_reached_reason = forms.CharField(label="会えなかった理由", required=False, max_length=300)
    stage = forms.ChoiceField(label="関係の段階", required=False, choices=[("", "—")] + Stage.choices)
    summary = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.IntegerField(label="所要時間（分）", required=False, min_value=0, max_value=1440)
    tags = forms.MultipleChoiceField(label="事業", required=False, choices=ProjectTag.choices,
                                     widget=forms.CheckboxSelectMultiple)
    next_action = forms.CharField(label="次の対応", required=False, max_length=300)
    next_due_on = WarekiDateField(label="次の対応の期日", required=False)
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def data_for_service(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d.pop("lock_version", None)
        return d


class PlanForm(Form):
    goals = forms.CharField(label="目標（1行に1つ）", widget=forms.Textarea(attrs={"rows": 3}))
    lead_org = forms.ChoiceField(label="主担当機関", required=False)
    lead_user = forms.ChoiceField(label="主担当者", required=False)
    review_on = WarekiDateField(label="見直し予定日", required=False)
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, municipality_id: int, **kw: Any) -> None:
        super().__init__(*args, **kw)
        orgs = org_choices(municipality_id, blank="—")
        choice_field(self, "lead_org").choices = org_choices(municipality_id, case_staff=True)
        choice_field(self, "lead_user").choices = staff_choices(municipality_id)
        for i in range(TASK_ROWS):
            self.fields[f"task_org_{i}"] = forms.ChoiceField(label=f"役割分担{i + 1} 機関",
                                                             choices=orgs, required=False)
            self.fields[f"task_{i}"] = forms.CharField(label="役割", required=False, max_length=300)
            self.fields[f"task_freq_{i}"] = forms.CharField(label="頻度", required=False, max_length=50)

    def service_args(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"goals": d["goals"].splitlines(),
                "tasks": [{"org_id": d[f"task_org_{i}"] or None, "task": d[f"task_{i}"],
                           "frequency": d[f"task_freq_{i}"]} for i in range(TASK_ROWS)],
                "lead_org_id": d["lead_org"] or None, "lead_user_id": d["lead_user"] or None,
                "review_on": d["review_on"]}

    @staticmethod
    def initial_for(plan: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "goals": "\n".join(g["text"] for g in plan.goals), "lead_org": plan.lead_org_id,
            "lead_user": plan.lead_user_id, "review_on": plan.review_on,
            "lock_version": plan.lock_version}
        for i, t in enumerate(plan.tasks[:TASK_ROWS]):
            initial.update({f"task_org_{i}": t["org_id"], f"task_{i}": t["task"],
                            f"task_freq_{i}": t["frequency"]})
        return initial


class CloseForm(Form):
    reason = forms.ChoiceField(label="終結理由", choices=[("", "選んでください")] + ClosureReason.choices)
    evaluation = forms.CharField(label="評価（本人・世帯の変化、プロセス）", widget=forms.Textarea(attrs={"rows": 4}))
    closed_on = WarekiDateField(label="終結日", required=False, help_text="空欄なら今日")
    watch = forms.BooleanField(label="見守りを続ける（つながり続ける）", required=False)
    watch_org = forms.ChoiceField(label="見守り担当", required=False)
    watch_method = forms.CharField(label="見守りの方法", required=False, max_length=300)
    next_check_on = WarekiDateField(label="次回確認日", required=False)
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, municipality_id: int, **kw: Any) -> None:
        super().__init__(*args, **kw)
        choice_field(self, "watch_org").choices = org_choices(municipality_id)


class OpenFromSheetForm(Form):
    """Open a case from a sheet record: the record's person is the subject (prefilled)."""

    summary = forms.CharField(label="相談の概要", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    triage = forms.ChoiceField(label="分類", required=False, choices=[("", "未分類")] + Triage.choices)
    tags = forms.MultipleChoiceField(label="事業", required=False, choices=ProjectTag.choices,
                                     widget=forms.CheckboxSelectMultiple)


class CaseEditForm(Form):
    summary = forms.CharField(label="相談の概要", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    triage = forms.ChoiceField(label="分類", required=False, choices=[("", "未分類")] + Triage.choices)
    tags = forms.MultipleChoiceField(label="事業", required=False, choices=ProjectTag.choices,
                                     widget=forms.CheckboxSelectMultiple)
    lead_org = forms.ChoiceField(label="主担当機関", help_text="このケースに関与している機関から選びます。")
    lead_user = forms.ChoiceField(label="主担当者", required=False)
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        involved = case.involvements.filter(ended_on__isnull=True).select_related("organization")
        choice_field(self, "lead_org").choices = [(i.organization_id, i.organization.name) for i in involved]
        choice_field(self, "lead_user").choices = staff_choices(case.municipality_id)

    @staticmethod
    def initial_for(case: Any) -> dict[str, Any]:
        return {"summary": case.summary, "triage": case.triage, "tags": case.tags,
                "lead_org": case.lead_org_id, "lead_user": case.lead_user_id,
                "lock_version": case.lock_version}


class MonitorForm(Form):
    """A monitoring entry: date, note, and one evaluation per goal of the plan."""

    on = WarekiDateField(label="日付")
    note = forms.CharField(label="モニタリングの内容（本人・世帯の変化、支援の状況）", max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, plan: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.goal_count = len(plan.goals)
        for i, goal in enumerate(plan.goals):
            self.fields[f"goal_{i}"] = forms.ChoiceField(
                label=f"目標{i + 1}「{goal['text']}」の評価", choices=GoalResult.choices,
                widget=forms.RadioSelect)

    def evaluations(self) -> list[str]:
        return [self.cleaned_data.get(f"goal_{i}") or "" for i in range(self.goal_count)]


class InvolvementEndForm(Form):
    reason = forms.CharField(label="終了の理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    ended_on = WarekiDateField(label="終了日", required=False, help_text="空欄なら今日")


class CaseProblemsForm(Form):
    """課題の分類 (19分類): ○ every category that applies, ◎ the main one (主訴)."""

    marked = forms.MultipleChoiceField(label="当てはまる分類（○）", required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text="当てはまるものすべてに印を付けます。")
    main = forms.ChoiceField(label="主訴（◎）", required=False,
                             help_text="いちばん困っていることを1つ。○が1つだけなら、それが主訴です。")

    def __init__(self, *args: Any, **kw: Any) -> None:
        from .problems import categories

        super().__init__(*args, **kw)
        choice_field(self, "marked").choices = list(categories())
        choice_field(self, "main").choices = [("", "選ばない"), *categories()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        marked, main = data.get("marked") or [], data.get("main") or ""
        if main and main not in marked:
            self.add_error("main", "主訴（◎）は、当てはまる分類（○）の中から選んでください。")
        elif len(marked) >= 2 and not main:
            self.add_error("main", "○が2つ以上のときは、主訴（◎）を1つ選んでください。")
        return data
