"""機微 free text a definition marks recording-organization-only (``own_org_only``): masked for
every other organization in the page, the API (and, through ``masking``, the PDF and exports);
only text fields can carry the flag."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kasane.people.tests.factories import make_consent, make_person
from kasane.sheets import masking, services
from kasane.sheets.forms import FieldForm
from kasane.sheets.schema import SchemaError, normalize_field

from .factories import actor

GRID = {"center": "課題", "cell_1": "本人の力", "family_note": "兄との確執（本人のみ了解）"}


@pytest.fixture
def record(city):
    services.definition_add_fields(actor=actor(city.admin), code="nine_grid",
                                   section_title="独自項目", fields=[
                                       {"key": "family_note", "label": "家族の事情", "type": "longtext",
                                        "own_org_only": True}])
    person = make_person(city.recorder)
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    return services.record_create(actor=actor(city.recorder), code="nine_grid", answers=GRID,
                                  submit=True, person_id=person.pk)


def test_other_organizations_read_the_mask(city, record, client) -> None:
    assert masking.record_masks(actor(city.partner), record)["family_note"] == masking.SENSITIVE_MASK
    assert "family_note" not in masking.record_masks(actor(city.recorder), record)
    client.force_login(city.partner)
    body = client.get(f"/api/v1/sheet-records/{record.pk}").json()
    assert body["answers"]["family_note"] == masking.SENSITIVE_MASK
    assert body["answers"]["center"] == "課題"
    page = client.get(f"/sheets/records/{record.pk}/").content.decode()
    assert "兄との確執" not in page and masking.SENSITIVE_MASK in page
    client.force_login(city.recorder)
    assert "兄との確執" in client.get(f"/sheets/records/{record.pk}/").content.decode()


def test_only_text_fields_take_the_flag(city) -> None:
    with pytest.raises(SchemaError):
        normalize_field({"key": "n", "label": "数", "type": "number", "own_org_only": True})
    form = FieldForm({"section_title": "独自", "key": "n", "label": "数", "type": "number",
                      "own_org_only": "on"})
    assert not form.is_valid() and "own_org_only" in form.errors
    with pytest.raises((ValidationError, SchemaError)):
        services.definition_add_fields(actor=actor(city.admin), code="nine_grid",
                                       section_title="独自", fields=[
                                           {"key": "n", "label": "数", "type": "number",
                                            "own_org_only": True}])
