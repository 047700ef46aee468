"""Record services: drafts, autosave with optimistic locking, submit, edit with history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kasane.audit.models import AccessLog, ChangeRecord
from kasane.sheets import bindings, services
from kasane.sheets.models import RecordStatus, SheetRecord

from .factories import actor

GRID = {"center": "課題", "cell_1": "本人の力"}


def test_it_creates_a_draft_with_prefills_and_default_tags(city) -> None:
    record = services.record_create_draft(actor=actor(city.recorder), code="intake_application")
    assert record.status == RecordStatus.DRAFT
    assert record.answers == {"received_by_org": city.orgs["shougai"].pk,
                              "received_by": city.recorder.pk}
    assert record.tags == ["comprehensive", "multi_agency"]
    assert ChangeRecord.objects.filter(object_id=str(record.pk), operation="create").exists()


def test_it_refuses_roles_without_case_content(city) -> None:
    for user in (city.admin, city.auditor, city.secretariat):
        with pytest.raises(PermissionDenied):
            services.record_create_draft(actor=actor(user), code="nine_grid")
    with pytest.raises(PermissionDenied):
        services.record_create_draft(actor=actor(city.liaison), code="support_plan")
    assert services.record_create_draft(actor=actor(city.liaison), code="liaison").pk


def test_it_autosaves_and_detects_a_stale_form(city) -> None:
    me = actor(city.recorder)
    record = services.record_create_draft(actor=me, code="nine_grid")
    saved = services.record_autosave(actor=me, record=record, answers={"center": "A"},
                                     lock_version=record.lock_version)
    assert saved.lock_version == record.lock_version + 1
    with pytest.raises(services.ConflictError):
        services.record_autosave(actor=me, record=saved, answers={"center": "B"},
                                 lock_version=record.lock_version)
    saved.refresh_from_db()
    assert saved.answers == {"center": "A"}


def test_it_keeps_a_draft_private_to_its_author(city) -> None:
    record = services.record_create_draft(actor=actor(city.recorder), code="nine_grid")
    with pytest.raises(PermissionDenied):
        services.record_autosave(actor=actor(city.partner), record=record, answers={},
                                 lock_version=None)


def test_it_submits_only_complete_answers_and_saves_nothing_half(city) -> None:
    me = actor(city.recorder)
    record = services.record_create_draft(actor=me, code="nine_grid", answers={"center": "A"})
    with pytest.raises(ValidationError) as exc:
        services.record_submit(actor=me, record=record, lock_version=record.lock_version)
    assert "cell_1" in exc.value.message_dict
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    done = services.record_submit(actor=me, record=record, answers=GRID,
                                  lock_version=record.lock_version)
    assert done.status == RecordStatus.SUBMITTED and done.submitted_at is not None


def test_it_routes_a_submitted_liaison_sheet_and_moves_its_status_forward(city) -> None:
    answers = {"consent_given": False, "concern": "気になる", "contact_preference": "phone",
               "urgency": "normal"}
    record = services.record_create(actor=actor(city.liaison), code="liaison", answers=answers,
                                     submit=True)
    assert record.route_status == "sent"
    with pytest.raises(PermissionDenied):
        services.liaison_status_set(actor=actor(city.recorder), record=record, status="received")
    record = services.liaison_status_set(actor=actor(city.coordinator), record=record,
                                         status="in_progress")
    assert record.route_status == "in_progress"
    with pytest.raises(ValidationError):
        services.liaison_status_set(actor=actor(city.coordinator), record=record, status="received")


def test_it_edits_a_submitted_record_only_with_a_reason_and_history(city) -> None:
    me = actor(city.recorder)
    record = services.record_create(actor=me, code="nine_grid", answers=GRID, submit=True)
    with pytest.raises(ValidationError):
        services.record_edit_submitted(actor=me, record=record, answers=GRID, reason=" ",
                                       lock_version=record.lock_version)
    with pytest.raises(PermissionDenied):
        services.record_edit_submitted(actor=actor(city.partner), record=record, answers=GRID,
                                       reason="x", lock_version=None)
    edited = services.record_edit_submitted(actor=me, record=record,
                                            answers={**GRID, "cell_2": "家族"}, reason="聞き取り追加",
                                            lock_version=record.lock_version)
    change = ChangeRecord.objects.filter(object_id=str(record.pk), reason="聞き取り追加").get()
    assert change.changes["answers"][1]["cell_2"] == "家族"
    assert edited.answers["cell_2"] == "家族"
    assert AccessLog.objects.filter(action="sheet_record_edit", object_id=str(record.pk)).exists()


def test_it_runs_bindings_inside_the_submit_transaction(city) -> None:
    calls = []

    def bind_person(b: bindings.Binding) -> None:
        calls.append(b.value["family_name"])
        b.record.person_id = 4242

    def explode(b: bindings.Binding) -> None:
        raise ValidationError({"person": ["名寄せに失敗しました。"]})

    answers = {"person": {"family_name": "佐藤", "given_name": "和夫", "family_name_kana": "サトウ",
                          "given_name_kana": "カズオ"}, "center": "A", "cell_1": "B"}
    bindings.register("person", bind_person)
    try:
        record = services.record_create(actor=actor(city.recorder), code="nine_grid",
                                        answers=answers, submit=True)
        assert calls == ["佐藤"] and SheetRecord.objects.get(pk=record.pk).person_id == 4242
        assert record.person_snapshot["family_name"] == "佐藤"
        bindings.register("person", explode)
        before = SheetRecord.objects.count()
        with pytest.raises(ValidationError):
            services.record_create(actor=actor(city.recorder), code="nine_grid", answers=answers,
                                   submit=True)
        assert SheetRecord.objects.count() == before
    finally:
        bindings.unregister("person", bind_person)
        bindings.unregister("person", explode)


def test_it_discards_only_own_drafts(city) -> None:
    me = actor(city.recorder)
    record = services.record_create(actor=me, code="nine_grid", answers=GRID, submit=True)
    with pytest.raises(PermissionDenied):
        services.record_discard_draft(actor=me, record=record)
    draft = services.record_create_draft(actor=me, code="nine_grid")
    services.record_discard_draft(actor=me, record=draft)
    assert not SheetRecord.objects.filter(pk=draft.pk).exists()


def test_it_refuses_sensitive_marks_on_fields_that_do_not_allow_them(city) -> None:
    with pytest.raises(ValidationError) as exc:
        services.record_create_draft(actor=actor(city.recorder), code="intake_application",
                                     sensitive_keys=["received_on"])
    assert "sensitive_keys" in exc.value.message_dict


def test_it_autosaves_a_draft_as_typed_even_when_answers_are_wrong(city) -> None:
    me = actor(city.recorder)
    record = services.record_create_draft(actor=me, code="intake_application")
    typed = {"received_on": "令和8年13月", "person": {"family_name": "山田", "birth_date": "2099-01-01"},
             "problems": {"marked": [], "main": "debt"}, "request_detail": "聞き取り"}
    saved = services.record_autosave(actor=me, record=record, answers=typed,
                                     lock_version=record.lock_version, written_on="令和8年13月")
    saved.refresh_from_db()
    assert saved.draft_answers == {**typed, "_written_on": "令和8年13月"}  # kept whole, as typed
    assert saved.typed_answers == typed
    assert saved.answers == {"person": {"family_name": "山田"}, "request_detail": "聞き取り"}
    assert saved.written_on == record.written_on  # an unreadable 記入日 changes nothing yet
    assert saved.status == RecordStatus.DRAFT and saved.lock_version == record.lock_version + 1


def test_it_reports_what_a_draft_would_still_refuse(city) -> None:
    me = actor(city.recorder)
    record = services.record_create_draft(actor=me, code="intake_application")
    result = services.record_draft_save(actor=me, record=record, answers={
        "person": {"birth_date": "2099-01-01"}, "urgency": "someday"}, written_on="2099-01-01")
    assert result.problems == {"person.birth_date": "未来の日付は入力できません。",
                               "urgency": "「someday」は選択肢にありません。一覧から選んでください。",
                               "written_on": "未来の日付は入力できません。"}
    assert services.draft_problems(actor=me, record=result.record) == result.problems
    assert not result.created


def test_it_creates_one_draft_per_unsaved_form(city) -> None:
    me = actor(city.recorder)
    first = services.record_draft_save(actor=me, code="nine_grid", form_key="a" * 32,
                                       answers={"center": "A"})
    again = services.record_draft_save(actor=me, code="nine_grid", form_key="a" * 32,
                                       answers={"center": "B"})
    assert first.created and not again.created and first.record.pk == again.record.pk
    assert SheetRecord.objects.get().answers == {"center": "B"}
    other = services.record_draft_save(actor=me, code="nine_grid", form_key="b" * 32,
                                       answers={"center": "C"})
    assert other.created and SheetRecord.objects.count() == 2
    assert ChangeRecord.objects.filter(object_id=str(other.record.pk), operation="create").exists()
    with pytest.raises(PermissionDenied):  # a 連絡員 writes only their sheets
        services.record_draft_save(actor=actor(city.liaison), code="nine_grid", answers={"center": "x"})
    with pytest.raises(PermissionDenied):  # another writer's form key finds nothing of theirs
        services.record_draft_save(actor=actor(city.partner), record=first.record, answers={})


def test_it_keeps_the_typed_answers_when_a_submit_is_refused(city) -> None:
    me = actor(city.recorder)
    record = services.record_create_draft(actor=me, code="nine_grid")
    with pytest.raises(ValidationError) as exc:
        services.record_submit(actor=me, record=record, lock_version=record.lock_version,
                               answers={"center": "課題", "person": {"birth_date": "R99.1.1"}},
                               written_on="きのう")
    # every error at once: the person's, the missing cells', the 記入日's
    assert set(exc.value.message_dict) >= {"person.birth_date", "cell_1", "written_on"}
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    assert record.draft_answers == {"center": "課題", "person": {"birth_date": "R99.1.1"},
                                    "_written_on": "きのう"}
    with pytest.raises(ValidationError):  # the draft's own input is what is submitted
        services.record_submit(actor=me, record=record, lock_version=None)
    done = services.record_submit(actor=me, record=record, lock_version=None,
                                  answers={"center": "課題", "cell_1": "力"}, written_on="R6.4.1")
    assert done.status == RecordStatus.SUBMITTED and done.draft_answers == {}
    assert done.answers == {"center": "課題", "cell_1": "力"} and done.written_on.isoformat() == "2024-04-01"


def test_it_refuses_at_submit_a_future_date_the_draft_kept(city) -> None:
    me = actor(city.recorder)
    record = services.record_draft_save(actor=me, code="nine_grid", answers=GRID,
                                        written_on="2099-01-01").record
    assert record.written_on.year == 2099  # a draft may hold it …
    with pytest.raises(ValidationError) as exc:  # … a submitted record may not
        services.record_submit(actor=me, record=record, lock_version=None)
    assert exc.value.message_dict == {"written_on": ["未来の日付は入力できません。"]}


def test_it_runs_no_binding_on_a_draft(city) -> None:
    calls = []

    def bind_person(b: bindings.Binding) -> None:
        calls.append(b.operation)

    bindings.register("person", bind_person)
    try:
        me = actor(city.recorder)
        saved = services.record_draft_save(actor=me, code="intake_application", answers={
            "person": {"family_name": "佐藤", "given_name": "和夫", "family_name_kana": "サトウ",
                       "given_name_kana": "カズオ"}})
        services.record_autosave(actor=me, record=saved.record, answers={"person": {
            "family_name": "佐藤"}}, lock_version=None)
        assert calls == [] and saved.record.person_id is None
    finally:
        bindings.unregister("person", bind_person)


def test_it_lists_every_error_of_an_edit_with_its_reason_at_once(city) -> None:
    me = actor(city.recorder)
    record = services.record_create(actor=me, code="nine_grid", answers=GRID, submit=True)
    with pytest.raises(ValidationError) as exc:
        services.record_edit_submitted(actor=me, record=record, answers={"center": "A"},
                                       reason="", lock_version=record.lock_version)
    assert exc.value.message_dict == {"reason": ["入力してください。"],
                                      "cell_1": ["周りのマスを1つ以上記入してください。"]}
