"""The validation engine: pure functions, no database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasane.sheets import schema as sheet_schema
from kasane.sheets.validation import Refs, condition_holds, named, validate

TODAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def intake() -> dict:
    return sheet_schema.load_file("intake_application")


def check(schema: dict, answers: dict, submit: bool = False, refs: Refs | None = None):
    return validate(schema, answers, submit=submit, today=TODAY, refs=refs)


def test_it_accepts_a_partial_draft(intake: dict) -> None:
    result = check(intake, {"received_on": "令和6年4月1日"})
    assert result.ok and result.answers == {"received_on": "2024-04-01"}


def test_it_requires_fields_on_submit_with_short_messages_by_kind(intake: dict) -> None:
    result = check(intake, {}, submit=True)
    assert result.errors["received_on"] == "入力してください。"
    assert result.errors["urgency"] == result.errors["problems"] == "選んでください。"
    assert result.errors["applies"] == "選んでください。"  # はい／いいえ
    assert "person" in result.errors


def test_it_names_each_field_in_the_summary_in_form_order(intake: dict) -> None:
    result = check(intake, {"person": {"birth_date": "2030-01-01", "household": [{"relation": "x"}]},
                            "received_on": "令和8年13月"}, submit=True)
    summary = named(intake, result.errors, {"written_on": "記入日"})
    assert summary["person.birth_date"] == "生年月日: 未来の日付は入力できません。"
    assert summary["received_on"].startswith("受付日: 日付として読めません")
    assert summary["person.household.0.name"] == "世帯 1・氏名: 入力してください。"
    assert summary["applies"] == "多機関協働事業の利用を申し込む: 選んでください。"
    assert "は必須です" not in " ".join(summary.values())
    keys = list(summary)
    assert keys.index("received_on") < keys.index("person.birth_date") < keys.index("problems")
    assert "person" not in result.errors  # its own fields say what is missing
    assert named(intake, {"written_on": "未来の日付は入力できません。"},
                 {"written_on": "記入日"}) == {"written_on": "記入日: 未来の日付は入力できません。"}


def test_it_lets_a_sheet_rule_name_itself() -> None:
    grid = sheet_schema.load_file("nine_grid")
    result = check(grid, {"center": "課題"}, submit=True)
    assert named(grid, result.errors) == {"cell_1": "周りのマスを1つ以上記入してください。"}


def test_it_refuses_unknown_fields_top_and_nested(intake: dict) -> None:
    result = check(intake, {"nope": 1, "person": {"family_name": "佐藤", "shoe_size": 27}})
    assert result.errors == {"nope": "この項目は帳票の定義にありません。",
                             "person.shoe_size": "この項目は帳票の定義にありません。"}


def test_it_refuses_a_choice_not_in_the_list(intake: dict) -> None:
    assert check(intake, {"urgency": "someday"}).errors["urgency"] == \
        "「someday」は選択肢にありません。一覧から選んでください。"


def test_it_accepts_a_choice_label_and_stores_the_code(intake: dict) -> None:
    assert check(intake, {"urgency": "即日"}).answers["urgency"] == "urgent"


@pytest.mark.parametrize("text,iso", [("2024-04-01", "2024-04-01"), ("2024/4/1", "2024-04-01"),
                                      ("令和6年4月1日", "2024-04-01"), ("R6.4.1", "2024-04-01"),
                                      ("令和元年5月1日", "2019-05-01")])
def test_it_parses_dates_and_stores_iso(intake: dict, text: str, iso: str) -> None:
    assert check(intake, {"received_on": text}).answers["received_on"] == iso


@pytest.mark.parametrize("text", ["2023-02-30", "令和1年4月1日", "きのう"])
def test_it_refuses_impossible_dates(intake: dict, text: str) -> None:
    assert "received_on" in check(intake, {"received_on": text}).errors


def test_it_refuses_a_future_event_date_but_allows_a_planned_one() -> None:
    plan = sheet_schema.load_file("support_plan")
    result = check(plan, {"created_on": "2024-06-02", "review_on": "2024-12-01"})
    assert result.errors == {"created_on": "未来の日付は入力できません。"}
    assert result.answers["review_on"] == "2024-12-01"


def test_it_refuses_two_main_marks(intake: dict) -> None:
    result = check(intake, {"problems": "income◎;debt◎"})
    assert result.errors["problems"] == "◎（いちばん困っていること）は1つだけにしてください。"
    result = check(intake, {"problems": {"marked": ["income", "debt"], "main": ["income", "debt"]}})
    assert result.errors["problems"] == "◎（いちばん困っていること）は1つだけにしてください。"


def test_it_refuses_a_main_mark_on_an_unmarked_code(intake: dict) -> None:
    result = check(intake, {"problems": {"marked": ["income"], "main": "debt"}})
    assert result.errors["problems"] == "◎は○を付けた項目に付けてください。"


def test_it_requires_a_main_mark_with_two_marks_on_submit_only(intake: dict) -> None:
    answers = {"problems": {"marked": ["income", "debt"]}}
    assert "problems" not in check(intake, answers).errors
    assert "◎" in check(intake, answers, submit=True).errors["problems"]


def test_it_counts_a_lone_mark_as_main(intake: dict) -> None:
    assert check(intake, {"problems": "debt○"}).answers["problems"] == {"marked": ["debt"], "main": "debt"}


def test_it_orders_marks_by_the_choice_list_and_keeps_since(intake: dict) -> None:
    result = check(intake, {"problems": "debt○:昨年から;income◎"})
    assert result.answers["problems"] == {"marked": ["income", "debt"], "main": "income",
                                          "since": {"debt": "昨年から"}}


def test_it_requires_the_other_text_when_other_is_marked(intake: dict) -> None:
    result = check(intake, {"problems": "other◎"}, submit=True)
    assert result.errors["problems_other"] == "入力してください。"
    assert named(intake, result.errors)["problems_other"] == "相談内容（その他の内容）: 入力してください。"
    result = check(intake, {"problems": "other◎", "problems_other": "ペットのこと"}, submit=True)
    assert "problems_other" not in result.errors


def test_it_forces_restriction_when_dv_is_marked(intake: dict) -> None:
    result = check(intake, {"problems": {"marked": ["dv_abuse"]}, "restriction_requested": False})
    assert result.answers["restriction_requested"] is True


def test_it_applies_conditional_requirements(intake: dict) -> None:
    result = check(intake, {"disposition": "refer"}, submit=True)
    assert result.errors["referred_to"] == "選んでください。"
    assert "referred_to" not in check(intake, {"disposition": "own"}, submit=True).errors
    assert "visitor_name" in check(intake, {"visitor": "family"}, submit=True).errors
    assert "visitor_name" not in check(intake, {"visitor": "self"}, submit=True).errors


def test_it_converts_hiragana_kana_and_refuses_kanji(intake: dict) -> None:
    result = check(intake, {"person": {"family_name_kana": "さとう", "given_name_kana": "佐藤"}})
    assert result.answers["person"]["family_name_kana"] == "サトウ"
    assert "カタカナ" in result.errors["person.given_name_kana"]


def test_it_allows_unknown_names_only_where_the_sheet_allows_them() -> None:
    no_consent = sheet_schema.load_file("intake_application_no_consent")
    result = check(no_consent, {"person": {"identity_note": "南町の40代男性"}}, submit=True)
    assert not [k for k in result.errors if k.startswith("person.")]
    intake = sheet_schema.load_file("intake_application")
    result = check(intake, {"person": {"identity_note": "x"}}, submit=True)
    assert result.errors["person.identity_note"] == "この項目は帳票の定義にありません。"
    assert result.errors["person.family_name"] == "入力してください。"


def test_it_validates_rows_with_paths_and_row_conditions() -> None:
    outreach = sheet_schema.load_file("outreach")
    rows = [{"at": "2024-05-01 10:00", "method": "visit", "reached": "いいえ",
             "relationship_stage": "not_met", "summary": "不在"},
            {"at": "2024-05-02", "method": "fax"}]
    result = check(outreach, {"contacts": rows}, submit=True)
    assert result.errors["contacts.0.not_reached_reason"] == "選んでください。"
    assert result.errors["contacts.1.at"].startswith("時刻")
    assert result.errors["contacts.1.method"] == "「fax」は選択肢にありません。一覧から選んでください。"
    assert named(outreach, result.errors)["contacts.0.not_reached_reason"] == \
        "接触 1・会えなかった理由: 選んでください。"
    assert result.answers["contacts"][0]["at"] == "2024-05-01T10:00"


def test_it_drops_blank_rows() -> None:
    outreach = sheet_schema.load_file("outreach")
    assert check(outreach, {"contacts": [{}, {"summary": ""}]}).answers == {}


def test_it_requires_one_nine_grid_cell_on_submit() -> None:
    grid = sheet_schema.load_file("nine_grid")
    result = check(grid, {"center": "課題"}, submit=True)
    assert result.errors == {"cell_1": "周りのマスを1つ以上記入してください。"}
    assert check(grid, {"center": "課題", "cell_5": "包括"}, submit=True).ok


def test_it_checks_reference_ids_and_accepts_names(intake: dict) -> None:
    refs = Refs(org_ids={1, 2}, user_ids={9}, org_names={"社協": 2})
    result = check(intake, {"received_by_org": "社協", "referred_to": "1;2;2", "received_by": 5}, refs=refs)
    assert result.answers["received_by_org"] == 2 and result.answers["referred_to"] == [1, 2]
    assert result.errors == {"received_by": "担当者（番号 5）が見つかりません。一覧から選んでください。"}


def test_it_parses_numbers_and_booleans_and_refuses_nonsense() -> None:
    person = {"age_estimate": "４２"}
    intake = sheet_schema.load_file("intake_application")
    assert check(intake, {"person": person}).answers["person"]["age_estimate"] == 42
    result = check(intake, {"applies": "たぶん", "person": {"age_estimate": "四十"}})
    assert result.errors == {"applies": "「はい」か「いいえ」で答えてください。",
                             "person.age_estimate": "数字で入力してください。"}


def test_it_limits_text_length(intake: dict) -> None:
    assert check(intake, {"problems_since": "あ" * 201}).errors["problems_since"] == \
        "200文字以内で入力してください（いまは201文字）。"


def test_it_warns_about_phone_numbers_on_the_area_issue_sheet() -> None:
    area = sheet_schema.load_file("area_issue")
    result = check(area, {"description": "連絡先 042-123-4567 の方"})
    assert result.ok and "description" in result.warnings


def test_it_refuses_non_object_answers(intake: dict) -> None:
    assert check(intake, ["x"]).errors == {"__all__": "回答はオブジェクト（項目キー: 値）で送ってください。"}  # type: ignore[arg-type]


def test_it_reads_conditions() -> None:
    assert condition_holds("if a in x,y", {"a": "y"}, {})
    assert condition_holds("if a != x", {"a": "y"}, {})
    assert condition_holds("if b == true", {}, {"b": True})
    assert condition_holds("if c empty", {}, {})
    assert not condition_holds("if c filled", {"c": ""}, {})


@given(st.text(max_size=30))
def test_it_never_crashes_on_any_text(text: str) -> None:
    intake = sheet_schema.load_file("intake_application")
    answers = {k: text for k in ("received_on", "problems", "urgency", "applies", "referred_to",
                                 "request_detail", "person")}
    result = validate(intake, answers, submit=True, today=TODAY)
    assert isinstance(result.errors, dict)
