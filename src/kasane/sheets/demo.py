"""Demo records on every standard sheet (重ね市). Idempotent: a record is found by its
demo marker (written_on + author + definition code + first answer) and made only once.

Submitting binds the person block (``person_binding``): the first 佐藤 和夫 sheet creates the
Person and records the consent; later sheets about him name that Person (``"_person"``)
instead of creating a duplicate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from kasane.accounts.models import Membership

from . import attachments, loader, services
from .models import SheetDefinition, SheetRecord


def _grid_photo() -> bytes:
    """A drawn stand-in for a photo of a paper 9マス (3×3 boxes, the centre marked)."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 600), "#fbfaf5")
    draw = ImageDraw.Draw(img)
    for row in range(3):
        for col in range(3):
            box = (30 + col * 180, 30 + row * 180, 190 + col * 180, 190 + row * 180)
            draw.rectangle(box, outline="#333", width=4, fill="#fff3c4" if row == col == 1 else None)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _person(family: str, given: str, fk: str, gk: str, **extra: Any) -> dict[str, Any]:
    return {"family_name": family, "given_name": given, "family_name_kana": fk,
            "given_name_kana": gk, **extra}


def _specs(orgs: dict[str, Any], users: dict[str, Any]) -> list[tuple[str, str, bool, dict[str, Any]]]:
    d = timezone.localdate()

    def ago(days: int) -> str:
        return (d - dt.timedelta(days=days)).isoformat()

    sato = _person("佐藤", "和夫", "サトウ", "カズオ", birth_date="1958-06-02", sex="male",
                   address="重ね市北町1-2-3", phone="042-000-1111")
    return [
        ("houkatsu1", "intake_application", True, {
            "received_on": ago(40), "received_by_org": orgs["houkatsu_hokubu"].pk,
            "received_by": users["houkatsu1"].pk, "route": "family", "visitor": "family",
            "visitor_name": "佐藤 明美", "visitor_relation": "長女", "person": {
                **sato, "household": [{"name": "佐藤 健", "relation": "child", "birth_or_age": "45歳",
                                       "lives_with": True}]},
            "household_type": "couple_child",
            "problems": {"marked": ["income", "care", "withdrawal_truancy"], "main": "care"},
            "problems_since": "3年前から", "request_detail": "父の介護と、同居する長男のひきこもりが重なっている。",
            "urgency": "soon", "disposition": "multi_agency", "triage": "3", "applies": True,
            "consent_orgs": [orgs["houkatsu_hokubu"].pk, orgs["fukushi"].pk, orgs["shakyo"].pk],
            "consent_purposes": ["information_sharing", "multilayer_meeting"],
            "consent_on": ago(40), "consent_method": "written"}),
        ("shougai", "intake_application_no_consent", True, {
            "received_on": ago(25), "received_by_org": orgs["shougai_soudan"].pk,
            "received_by": users["shougai"].pk, "route": "resident", "visitor": "other",
            "visitor_other": "近隣住民", "visitor_name": "近隣住民", "visitor_relation": "隣人",
            "person": {"identity_note": "南町アパート2階の40代男性"},
            "problems": {"marked": ["withdrawal_truancy"]}, "request_detail": "姿を見かけなくなった。",
            "urgency": "normal", "disposition": "support_meeting", "no_consent_reason": "not_met",
            "support_meeting_request": True}),
        ("suishin", "intake_assessment", False, {
            "_person": "sato", "assessed_on": ago(30), "person": sato, "housing": "own",
            "income_sources": ["pension"], "problems": {"marked": ["care", "income"], "main": "care"}}),
        ("renrakuin", "liaison", True, {
            "facility": orgs["toshokan"].pk, "liaison": users["renrakuin"].pk, "consent_given": True,
            "consent_method": "oral", "person": _person("田中", "美咲", "タナカ", "ミサキ", phone="090-0000-2222"),
            "age_band": "30s", "concern": "毎日閉館まで過ごし、食事をとっていない様子。",
            "problems": {"marked": ["no_food", "income"], "main": "no_food"},
            "contact_preference": "facility", "urgency": "soon"}),
        ("csw", "comprehensive_consultation", True, {
            "consulted_on": ago(12), "program": "other", "program_other": "社協 総合相談",
            "method": "visit", "requester": "family",
            "person": _person("鈴木", "花", "スズキ", "ハナ", birth_date="1940-01-15", sex="female"),
            "problems": {"marked": ["care", "household_budget"], "main": "care"},
            "summary": "高齢の母の見守りと家計の相談。", "own_action": "joint",
            "partner_orgs": [orgs["houkatsu_chubu"].pk], "consent_state": "oral"}),
        ("csw", "outreach", True, {
            "found_on": ago(60), "found_via": "minsei", "person": {"identity_note": "東町の一軒家の50代男性"},
            "situation": ["withdrawal", "8050"], "consent_state": "none", "help_seeking": "low",
            "contacts": [
                {"at": ago(55) + "T10:00", "method": "visit", "reached": False,
                 "not_reached_reason": "no_answer", "relationship_stage": "not_met", "summary": "応答なし。手紙を置いた。"},
                {"at": ago(20) + "T15:30", "method": "visit", "reached": True, "met_whom": "family",
                 "relationship_stage": "contacted", "summary": "母親と玄関先で話せた。"}]}),
        ("csw", "participation", False, {
            "person": _person("山本", "翔", "ヤマモト", "ショウ"), "basis": "consent_only",
            "wishes": "人と話せる場所で、できることを手伝いたい。", "role_wanted": ["attend", "volunteer"],
            "days": ["tue", "thu"], "time_bands": ["pm"], "area": "中部"}),
        ("csw", "area_issue", True, {
            "area": "北部", "raised_by": "member", "themes": ["shopping", "mobility"],
            "title": "北部団地の買い物困難", "description": "スーパー撤退後、坂の上の団地で買い物が難しい高齢者が増えている。",
            "status": "discussing"}),
        ("suishin", "support_plan", True, {
            "_person": "sato", "created_on": ago(20), "kind": "new", "person": sato,
            "wishes": "家で暮らし続けたい。息子にも元気になってほしい。", "long_goal": "家族それぞれが安心して暮らせる。",
            "goals": [{"problem": "care", "goal": "介護サービスの利用開始", "period": "3か月"},
                      {"problem": "withdrawal_truancy", "goal": "長男が週1回外出する", "period": "6か月"}],
            "roles": [{"org": orgs["houkatsu_hokubu"].pk, "support": "介護保険の申請支援", "frequency": "月2回"},
                      {"org": orgs["shakyo"].pk, "support": "長男への訪問", "frequency": "週1回"}],
            "lead_org": orgs["fukushi"].pk, "lead_person": users["suishin"].pk,
            "programs": ["outreach"], "review_on": (d + dt.timedelta(days=70)).isoformat(),
            "applicant_consent": True, "applicant_consent_on": ago(20)}),
        ("suishin", "closure_evaluation", False, {
            "closed_on": ago(2), "person": _person("高橋", "一郎", "タカハシ", "イチロウ"),
            "scope": "multi_agency", "reason": "roles_agreed"}),
        ("suishin", "proposal", True, {
            "applied_on": ago(15), "applicant_org": orgs["fukushi"].pk, "applicant": users["suishin"].pk,
            "person": _person("伊藤", "陽子", "イトウ", "ヨウコ"), "consent_state": "yes",
            "request": "子育てと就労の両立が難しく、複数の窓口に相談している。", "answered_on": ago(10),
            "decision": "needed", "forum": "multilayer_meeting"}),
        ("suishin", "nine_grid", True, {
            "_person": "sato", "person": _person("佐藤", "和夫", "サトウ", "カズオ"), "center": "父の介護と長男のひきこもり", "cell_1": "料理が得意",
            "cell_2": "長女が週末に来る", "cell_3": "隣の家と長い付き合い", "cell_5": "地域包括支援センター北部",
            "_files": {"map": "9マス（会議の板書）.png"}}),
    ]


def load(data: dict[str, Any]) -> None:
    loader.sync_standard(SheetDefinition)  # normally done by migration; tables may be flushed
    orgs, users = data["orgs"], data["users"]
    sato = SheetRecord.objects.filter(definition__code="intake_application", source="demo",
                                      author=users["houkatsu1"]).values_list("person_id", flat=True)
    linked: dict[str, int | None] = {"sato": sato.first()}
    for username, code, submit, answers in _specs(orgs, users):  # type: ignore[arg-type]
        user = users[username]
        answers = dict(answers)
        ref = answers.pop("_person", None)
        files = answers.pop("_files", {})
        if SheetRecord.objects.filter(author=user, definition__code=code, source="demo").exists():
            continue
        actor = Membership.objects.filter(user=user, is_active=True).order_by("pk").first()
        for key, name in files.items():  # an uploaded photo, as from a smartphone
            att = attachments.attachment_upload(actor=actor, code=code, field_key=key,
                                                upload=ContentFile(_grid_photo(), name=name))
            answers[key] = [att.as_answer()]
        record = services.record_create(actor=actor, code=code, answers=answers, submit=submit,
                                        source="demo", person_id=linked.get(ref) if ref else None)
        if code == "intake_application":
            linked["sato"] = record.person_id
        data.setdefault("sheet_records", []).append(record)
