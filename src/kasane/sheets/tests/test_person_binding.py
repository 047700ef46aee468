"""Person and consent bindings: a submitted sheet creates/links a Person and records Consent
through people.services, inside the submit transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kasane.access import policy
from kasane.audit.models import AccessLog
from kasane.people.models import Consent, Person
from kasane.people.services import consent_withdraw, person_create
from kasane.sheets import policy as sheet_policy
from kasane.sheets import selectors, services
from kasane.sheets.models import RecordStatus, SheetRecord

from .factories import actor, full_answers

BLOCK = {"family_name": "佐藤", "given_name": "和夫", "family_name_kana": "さとう",
         "given_name_kana": "カズオ", "birth_date": "S33.6.2", "sex": "male",
         "postal_code": "123-4567", "address": "重ね市北町1-2-3", "phone": "042-000-1111"}


def _intake(city: Any, **override: Any) -> dict[str, Any]:
    definition = selectors.definition_current(municipality_id=city.municipality.pk,
                                              code="intake_application")
    answers = full_answers(definition.schema, [city.orgs["shougai"].pk], [city.recorder.pk])
    answers.update(person=dict(BLOCK), restriction_requested=False,
                   problems={"marked": ["income"], "main": "income"},
                   consent_orgs=[city.orgs["houkatsu"].pk],
                   consent_purposes=["information_sharing"], consent_on="2024-04-01",
                   consent_method="written")
    answers.update(override)
    return answers


def _liaison(city: Any, **override: Any) -> dict[str, Any]:
    return {"facility": city.orgs["shougai"].pk, "liaison": city.recorder.pk,
            "consent_given": True, "consent_method": "written",
            "person": {"family_name": "田中", "given_name": "美咲", "family_name_kana": "タナカ",
                       "given_name_kana": "ミサキ", "phone": "090-0000-2222",
                       "address": "重ね市港町2-4-1"},
            "concern": "食事をとっていない様子。", "contact_preference": "phone",
            "urgency": "soon", **override}


def test_it_creates_a_person_with_own_record_and_links_the_record(city) -> None:
    me = actor(city.recorder)
    record = services.record_create(actor=me, code="intake_application_no_consent",
                                    answers=_no_consent(city), submit=True)
    person = Person.objects.get(pk=record.person_id)
    assert person.created_by_org_id == city.orgs["shougai"].pk
    assert person.family_name_kana == "サトウ" and person.birth_date.isoformat() == "1958-06-02"
    assert person.address == "重ね市北町1-2-3" and person.sex == "male"
    assert policy.person_basis(me, person.pk) == "own_record"
    assert policy.person_basis(actor(city.outsider), person.pk) is None
    assert SheetRecord.objects.get(pk=record.pk).person_id == person.pk
    assert not Consent.objects.filter(person=person).exists()


def _no_consent(city: Any) -> dict[str, Any]:
    definition = selectors.definition_current(municipality_id=city.municipality.pk,
                                              code="intake_application_no_consent")
    answers = full_answers(definition.schema, [city.orgs["shougai"].pk], [city.recorder.pk])
    answers.update(person=dict(BLOCK), problems={"marked": ["income"], "main": "income"},
                   restriction_requested=False)
    return answers


def test_it_leaves_a_draft_unbound_until_submit(city) -> None:
    draft = services.record_create(actor=actor(city.recorder), code="intake_application",
                                   answers={"person": BLOCK})
    assert draft.person_id is None and not Person.objects.exists()


def test_it_records_consent_and_grants_the_named_orgs(city) -> None:
    record = services.record_create(actor=actor(city.recorder), code="intake_application",
                                    answers=_intake(city), submit=True)
    consent = Consent.objects.get(person_id=record.person_id)
    assert list(consent.organizations.values_list("pk", flat=True)) == [city.orgs["houkatsu"].pk]
    assert consent.purposes == ["information_sharing"] and consent.method == "written"
    assert consent.obtained_on.isoformat() == "2024-04-01"
    assert policy.person_basis(actor(city.partner), record.person_id) == "consent"
    assert policy.person_basis(actor(city.outsider), record.person_id) is None


def test_it_refuses_another_tenants_org_and_saves_nothing(city) -> None:
    me = actor(city.recorder)
    draft = services.record_create(actor=me, code="intake_application",
                                   answers={"person": BLOCK})
    with pytest.raises(ValidationError) as exc:
        services.record_submit(actor=me, record=draft, lock_version=None,
                               answers=_intake(city, consent_orgs=[city.other_org.pk]))
    assert "consent_orgs" in exc.value.message_dict
    assert not Person.objects.exists() and not Consent.objects.exists()
    assert SheetRecord.objects.get(pk=draft.pk).status == RecordStatus.DRAFT


def test_it_rolls_back_the_new_person_when_consent_fails(city) -> None:
    me = actor(city.recorder)
    with pytest.raises(ValidationError) as exc:
        services.record_create(actor=me, code="intake_application", submit=True,
                               answers=_intake(city, consent_on="1950-01-01"))
    assert exc.value.message_dict["consent_on"] == ["同意日が生年月日より前です。"]
    assert not Person.objects.exists() and not SheetRecord.objects.exists()


def test_it_shows_a_person_error_at_the_block_field(city) -> None:
    with pytest.raises(ValidationError) as exc:
        services.record_create(actor=actor(city.recorder), code="intake_application", submit=True,
                               answers=_intake(city, person={**BLOCK, "phone": "12"}))
    assert exc.value.message_dict["person.phone"] == ["市外局番から10〜11桁で入力してください。"]
    assert not Person.objects.exists()


def test_it_links_a_visible_person_and_notes_differences_without_overwriting(city) -> None:
    me = actor(city.recorder)
    person = person_create(actor=me, fields={"family_name": "田中", "given_name": "美咲",
                                             "family_name_kana": "タナカ", "given_name_kana": "ミサキ",
                                             "phone": "090-0000-2222", "address": "重ね市南町9-9"})
    record = services.record_create(actor=me, code="liaison", submit=True, person_id=person.pk,
                                    answers=_liaison(city))
    assert record.person_id == person.pk and record.person_differences == ["address"]
    person.refresh_from_db()
    assert person.address == "重ね市南町9-9" and Person.objects.count() == 1
    assert Consent.objects.filter(person=person).count() == 1  # consent_given → recorded


def test_it_refuses_an_invisible_person_with_a_logged_denial(city) -> None:
    person = person_create(actor=actor(city.partner), fields={"family_name": "鈴木",
                                                              "family_name_kana": "スズキ"})
    with pytest.raises(Http404):
        services.record_create(actor=actor(city.recorder), code="nine_grid", submit=True,
                               person_id=person.pk, answers={"center": "A", "cell_1": "B"})
    assert AccessLog.objects.filter(user=city.recorder, person_id=person.pk, basis="denied").exists()
    assert not SheetRecord.objects.exists()


def test_it_binds_a_liaison_sheet_with_consent_for_the_coordinators(city) -> None:
    record = services.record_create(actor=actor(city.recorder), code="liaison",
                                    answers=_liaison(city), submit=True)
    consent = Consent.objects.get(person_id=record.person_id)
    assert set(consent.organizations.values_list("pk", flat=True)) == {city.orgs["city"].pk}
    coordinator = actor(city.coordinator)
    assert policy.person_basis(coordinator, record.person_id) == "consent"
    assert sheet_policy.visible_records(coordinator).filter(pk=record.pk).exists()
    # withdrawal hides the routed sheet from the coordinator; the recording org keeps it
    consent_withdraw(actor=actor(city.recorder), consent=consent, reason="本人の申し出")
    assert not sheet_policy.visible_records(coordinator).filter(pk=record.pk).exists()
    assert sheet_policy.visible_records(actor(city.recorder)).filter(pk=record.pk).exists()


def test_it_keeps_a_liaison_sheet_by_a_liaison_unbound(city) -> None:
    record = services.record_create(actor=actor(city.liaison), code="liaison", submit=True,
                                    answers=_liaison(city, facility=city.orgs["library"].pk,
                                                     liaison=city.liaison.pk))
    assert record.person_id is None and record.person_snapshot["family_name"] == "田中"
    assert not Person.objects.exists() and not Consent.objects.exists()
    assert sheet_policy.visible_records(actor(city.coordinator)).filter(pk=record.pk).exists()


def test_it_surfaces_the_consent_error_on_the_form(city, client) -> None:
    me = actor(city.recorder)
    draft = services.record_create(actor=me, code="intake_application",
                                   answers=_intake(city, consent_on="1950-01-01"))
    post = _encode(draft.definition.fields, draft.answers)
    post["_action"] = "submit"
    client.force_login(city.recorder)
    r = client.post(f"/sheets/records/{draft.pk}/edit/", post)
    assert r.status_code == 400 and "同意日が生年月日より前です。" in r.content.decode()
    assert SheetRecord.objects.get(pk=draft.pk).status == RecordStatus.DRAFT
    assert not Person.objects.exists()
    client.force_login(city.outsider)
    assert client.post(f"/sheets/records/{draft.pk}/edit/", post).status_code == 404


def _encode(fields: list[dict[str, Any]], answers: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Answers → the edit form's POST (the inverse of ``formdata.answers_from_post``)."""
    out: dict[str, Any] = {}
    for f in fields:
        name, value, t = prefix + f["key"], answers.get(f["key"]), f["type"]
        if value in (None, "", [], {}):
            continue
        if t == "multi_choice_main":
            out[f"{name}.marked"] = value["marked"]
            if value.get("main"):
                out[f"{name}.main"] = value["main"]
        elif t == "rows":
            out[f"{name}.__rows"] = str(len(value))
            for i, row in enumerate(value):
                out.update(_encode(f["fields"], row, f"{name}.{i}."))
        elif t == "person":
            out.update(_encode(f["fields"], value, f"{name}."))
        elif t == "file":
            import json

            out[f"{name}.__json"] = json.dumps(value)
        elif isinstance(value, bool):
            out[name] = "はい" if value else "いいえ"
        else:
            out[name] = value if isinstance(value, list) else str(value)
    return out


# --- bind_record_person: a coordinator binds a 連絡員's つなぐシート after submit -------------

def _liaison_record(city: Any, **override: Any) -> SheetRecord:
    return services.record_create(actor=actor(city.liaison), code="liaison", submit=True,
                                  answers=_liaison(city, facility=city.orgs["library"].pk,
                                                   liaison=city.liaison.pk, **override))


def test_it_binds_a_liaison_sheet_to_a_new_person_with_the_sheets_consent(city) -> None:
    from kasane.sheets.person_binding import bind_record_person

    record = _liaison_record(city, consent_method="oral")
    coordinator = actor(city.coordinator)
    person = bind_record_person(actor=coordinator, record=record, person_id=None)
    record.refresh_from_db()
    assert record.person_id == person.pk and person.family_name == "田中"
    assert person.created_by_org_id == city.orgs["city"].pk
    assert policy.person_basis(coordinator, person.pk) == "own_record"
    consent = Consent.objects.get(person=person)
    assert consent.heard_by == "liaison" and consent.method == "oral"  # the 連絡員 heard it
    assert consent.purposes == ["information_sharing"]
    assert set(consent.organizations.values_list("pk", flat=True)) == {city.orgs["city"].pk}
    from kasane.audit.models import ChangeRecord

    assert ChangeRecord.objects.filter(model="sheets.SheetRecord", object_id=str(record.pk),
                                       reason="本人に結び付け").exists()
    # idempotent for the same person; another person (or a second creation) is refused
    assert bind_record_person(actor=coordinator, record=record, person_id=person.pk) == person
    with pytest.raises(ValidationError, match="すでに本人"):
        bind_record_person(actor=coordinator, record=record, person_id=None)
    assert Person.objects.count() == 1 and Consent.objects.count() == 1
    # the 連絡員 still sees only what they wrote; another liaison's sheet stays hidden
    liaison = actor(city.liaison)
    assert list(sheet_policy.visible_records(liaison)) == [SheetRecord.objects.get(pk=record.pk)]
    assert policy.person_basis(liaison, person.pk) is None


def test_it_binds_to_an_existing_visible_person_only(city) -> None:
    from kasane.sheets.person_binding import bind_record_person

    record = _liaison_record(city, consent_given=False)
    coordinator = actor(city.coordinator)
    hidden = person_create(actor=actor(city.partner), fields={"family_name": "田中",
                                                              "family_name_kana": "タナカ"})
    with pytest.raises(Http404):
        bind_record_person(actor=coordinator, record=record, person_id=hidden.pk)
    assert AccessLog.objects.filter(user=city.coordinator, person_id=hidden.pk,
                                    basis="denied").exists()
    mine = person_create(actor=coordinator, fields={"family_name": "田中", "given_name": "美咲",
                                                    "family_name_kana": "タナカ",
                                                    "given_name_kana": "ミサキ",
                                                    "address": "重ね市南町9-9"})
    assert bind_record_person(actor=coordinator, record=record, person_id=mine.pk) == mine
    record.refresh_from_db()
    assert record.person_id == mine.pk and "address" in record.person_differences
    assert not Consent.objects.exists()  # 「同意していない」: nothing recorded
    assert Person.objects.get(pk=mine.pk).address == "重ね市南町9-9"


def test_it_lets_only_coordinators_bind(city) -> None:
    from django.core.exceptions import PermissionDenied

    from kasane.sheets.person_binding import bind_record_person

    record = _liaison_record(city)
    for user in (city.liaison, city.recorder, city.admin):
        with pytest.raises((PermissionDenied, Http404)):
            bind_record_person(actor=actor(user), record=record, person_id=None)
    assert SheetRecord.objects.get(pk=record.pk).person_id is None and not Person.objects.exists()
