"""課題の分類 on the case: set by the 相談受付票 (the sheet link ``case``: submit and edit), and
on the case page (``/cases/<id>/problems/``: involved organizations, audited)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kasane.audit.models import ChangeRecord
from kasane.cases import problems, services
from kasane.cases.models import Case, CaseEvent, CaseProblem
from kasane.cases.tests.factories import setup_case
from kasane.people.tests.factories import actor
from kasane.sheets import services as sheet_services
from kasane.sheets.models import SheetRecord

from .test_sheet_links import _intake

pytestmark = pytest.mark.django_db


def _marks(case: Case) -> set[tuple[str, bool]]:
    return set(CaseProblem.objects.filter(case=case).values_list("code", "is_main"))


def test_the_vocabulary_is_the_sheets_19_categories() -> None:
    codes = problems.codes()
    assert len(codes) == 19 and codes[0] == "income" and codes[-1] == "other"
    assert problems.label("care") == "介護"
    assert problems.normalize(["debt"], "") == (["debt"], "debt")  # a lone ○ counts as ◎
    with pytest.raises(ValueError, match="主訴"):
        problems.normalize(["debt"], "care")


def test_an_application_sets_the_case_problems_and_an_edit_updates_them(city) -> None:
    record = _intake(city, city.recorder, problems={"marked": ["income", "care"], "main": "care"})
    case = Case.objects.get(source_sheet_record_id=record.pk)
    assert _marks(case) == {("income", False), ("care", True)}
    record = SheetRecord.objects.get(pk=record.pk)
    answers = dict(record.answers, problems={"marked": ["debt"], "main": None})
    sheet_services.record_edit_submitted(actor=actor(city.recorder), record=record,
                                         answers=answers, reason="聞き直した",
                                         lock_version=record.lock_version)
    assert _marks(case) == {("debt", True)}
    changes = [c.changes["problems"] for c in ChangeRecord.objects.filter(
        model="cases.Case", object_id=str(case.pk)).order_by("pk") if "problems" in c.changes]
    assert changes == [["なし", "◎介護、○収入・生活費のこと"], ["◎介護、○収入・生活費のこと", "◎債務"]]
    assert CaseEvent.objects.filter(case=case, text__contains="課題の分類を変更：◎債務").exists()


def test_the_case_page_changes_them_for_involved_organizations_only(city, client) -> None:
    s = setup_case(city)
    with pytest.raises(ValidationError) as err:
        services.case_problems_set(actor=s.coord, case=s.case, marked=["care"], main="debt")
    assert "主訴" in str(err.value)
    with pytest.raises(ValidationError):
        services.case_problems_set(actor=s.coord, case=s.case, marked=["nothing"])
    with pytest.raises(PermissionDenied):
        services.case_problems_set(actor=s.outsider, case=s.case, marked=["care"])
    client.force_login(city.coordinator)
    url = f"/cases/{s.case.pk}/problems/"
    page = client.get(url).content.decode()
    assert "ひきこもり・不登校" in page and "主訴（◎）" in page
    bad = client.post(url, {"marked": ["care", "housing"]})
    assert bad.status_code == 400 and "主訴（◎）を1つ選んでください" in bad.content.decode()
    assert client.post(url, {"marked": ["care", "housing"], "main": "housing"}).status_code == 302
    assert _marks(s.case) == {("care", False), ("housing", True)}
    detail = client.get(f"/cases/{s.case.pk}/").content.decode()
    assert "◎住まい" in detail and "○介護" in detail
    client.force_login(city.outsider)
    assert client.get(url).status_code == 404




def test_the_backfill_migration_takes_the_categories_from_the_source_record(city) -> None:
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("kasane.cases.migrations.0009_case_problems_backfill").backfill
    record = _intake(city, city.recorder, problems={"marked": ["housing", "debt"], "main": "debt"})
    case = Case.objects.get(source_sheet_record_id=record.pk)
    CaseProblem.objects.all().delete()  # as before the migration
    backfill(apps, None)
    assert _marks(case) == {("housing", False), ("debt", True)}
    backfill(apps, None)  # a second run leaves them as they are
    assert CaseProblem.objects.filter(case=case).count() == 2
