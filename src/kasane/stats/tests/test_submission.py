"""The national report's submission workflow (spec/reporting.md B.4): every transition, every
refusal (wrong role, missing reason, another organization confirming), frozen values that do
not move when records change after submission, 確定後追加 and the typed cells (B.1)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kasane.accounts.models import Membership, Role, User
from kasane.audit.models import AccessLog, ChangeRecord
from kasane.cases.models import Contact
from kasane.stats import national, submission
from kasane.stats.models import (
    NationalReportConfirmation,
    NationalReportEdition,
    NationalReportTransition,
)

from . import world

pytestmark = pytest.mark.django_db
FY = world.FY


def _actor(user: User) -> Membership:
    return Membership.objects.get(user=user)


def _move(city, to: str, reason: str = "") -> NationalReportEdition:
    return submission.edition_transition(actor=_actor(city.secretariat), fiscal_year=FY,
                                         to_status=to, reason=reason)


def _confirm(city, comment: str = "") -> NationalReportConfirmation:
    return submission.confirmation_save(actor=_actor(city.coordinator), fiscal_year=FY,
                                  organization=city.orgs["city"], comment=comment)


def _submitted(city) -> NationalReportEdition:
    _move(city, "org_confirm")
    _confirm(city, "P1-1 は確認済み")
    _move(city, "final")
    return _move(city, "submitted")


@pytest.fixture
def w(city):
    return world.build(city)


def test_it_walks_draft_to_submitted_and_freezes_every_cell(city, w):
    edition = submission.edition_of(city.municipality, FY)
    assert edition.pk is None and edition.status == "draft"  # a read never writes
    _move(city, "org_confirm")
    with pytest.raises(ValidationError, match="まだ確認していない機関があります: 福祉相談課"):
        _move(city, "final")
    row = _confirm(city, "P1-1 は確認済み")
    assert (row.round, row.comment, row.confirmed_by) == (1, "P1-1 は確認済み", city.coordinator)
    edition = _move(city, "final")
    live = national.national_report(city.municipality, FY)
    assert edition.status == "final" and edition.frozen == live and edition.frozen_at
    assert edition.template_version == 2024
    edition = _move(city, "submitted")
    moves = list(NationalReportTransition.objects.filter(edition=edition)
                 .values_list("from_status", "to_status", "by__username"))
    assert moves == [("draft", "org_confirm", "secretariat"), ("org_confirm", "final", "secretariat"),
                     ("final", "submitted", "secretariat")]
    sent = NationalReportTransition.objects.get(edition=edition, to_status="submitted")
    assert {f["code"]: f["value"] for f in sent.values if f["code"] in world.EXPECTED} \
        == world.EXPECTED
    logged = AccessLog.objects.filter(action="stats.national.transition").count()
    assert logged == 3 and AccessLog.objects.filter(action="stats.national.confirm").count() == 1


def test_the_organizations_own_figures_are_the_cases_it_leads(city, w):
    shares = submission.org_shares(city.municipality, FY)
    city_org = city.orgs["city"].pk
    assert shares["P1-2"] == {city_org: 2} and shares["P2-1-continuing"] == {city_org: 2}
    rows = submission.confirmation_rows(submission.edition_of(city.municipality, FY), shares)
    assert [(r.organization.name, r.can_confirm) for r in rows] == [("福祉相談課", True)]


def test_steps_are_taken_one_at_a_time(city, w):
    with pytest.raises(ValidationError, match="一つずつ"):
        _move(city, "final")
    with pytest.raises(ValidationError, match="すでにこの段階"):
        _move(city, "draft", "理由")
    with pytest.raises(ValidationError, match="存在しない段階"):
        _move(city, "published")
    with pytest.raises(ValidationError, match="まだ始まっていません"):
        submission.edition_transition(actor=_actor(city.secretariat), fiscal_year=2100,
                                      to_status="org_confirm")


def test_only_the_secretariat_moves_the_report(city, w):
    for user in (city.coordinator, city.recorder, city.auditor, city.admin):
        with pytest.raises(PermissionDenied):
            submission.edition_transition(actor=_actor(user), fiscal_year=FY,
                                          to_status="org_confirm")
    assert not NationalReportEdition.objects.exists()


def test_only_an_organizations_coordinator_confirms_and_only_its_own(city, w):
    _move(city, "org_confirm")
    with pytest.raises(PermissionDenied, match="自分の機関"):
        submission.confirmation_save(actor=_actor(city.coordinator), fiscal_year=FY,
                               organization=city.orgs["shakyo"])
    for user in (city.secretariat, city.recorder, city.partner):
        with pytest.raises(PermissionDenied):
            submission.confirmation_save(actor=_actor(user), fiscal_year=FY,
                                   organization=_actor(user).organization)
    assert not NationalReportConfirmation.objects.exists()


def test_confirming_outside_the_confirmation_step_is_refused(city, w):
    with pytest.raises(ValidationError, match="機関確認の段階ではありません"):
        _confirm(city)
    _submitted(city)
    with pytest.raises(ValidationError, match="提出済み"):
        _confirm(city)


def test_reopening_needs_a_reason_and_starts_a_new_confirmation_round(city, w):
    _submitted(city)
    with pytest.raises(ValidationError, match="理由を入力"):
        _move(city, "final")
    edition = _move(city, "final", "提出先から差し戻し")
    assert edition.status == "final" and edition.frozen and edition.round == 1  # still frozen
    edition = _move(city, "org_confirm", "P2-5 の終結理由を直す")
    assert edition.frozen is None and edition.frozen_at is None and edition.round == 2
    change = ChangeRecord.objects.filter(reason="P2-5 の終結理由を直す").first()
    assert change is not None
    with pytest.raises(ValidationError, match="まだ確認していない機関"):
        _move(city, "final")  # the first round's confirmation no longer counts
    assert _confirm(city).round == 2
    assert _move(city, "final").status == "final"
    history = NationalReportTransition.objects.filter(edition=edition)
    assert [t.reason for t in history if t.reason] == ["提出先から差し戻し", "P2-5 の終結理由を直す"]


def test_frozen_values_stay_when_records_change_after_submission(city, w, client):
    _submitted(city)
    c1 = w.cases["C1"]
    Contact.objects.create(case=c1, at=world.at(2024, 8, 1), method="visit", reached=True,
                           summary="確定後に入力", tags=["comprehensive"], author=city.coordinator,
                           organization=city.orgs["city"])
    live = {f["code"]: f for f in national.national_report(city.municipality, FY)}
    assert live["P1-1"]["value"] == world.EXPECTED["P1-1"] + 1
    edition = NationalReportEdition.objects.get()
    frozen = {f["code"]: f["value"] for f in edition.frozen}
    assert frozen["P1-1"] == world.EXPECTED["P1-1"]
    late = submission.late_additions(edition, list(live.values()))
    assert [(f["code"], f["frozen"], f["live"], f["diff"]) for f in late] == \
        [("P1-1", 3, 4, 1)]
    client.force_login(city.secretariat)
    text = client.get(f"/stats/national/?fiscal_year={FY}&format=csv").content.decode("utf-8-sig")
    assert "P1-1,相談受付件数（延べ）,回,3," in text and "提出済みの値" in text
    page = client.get(f"/stats/national/?fiscal_year={FY}").content.decode()
    assert 'data-testid="late-P1-1"' in page and ">+1</a>" in page
    api = client.get(f"/api/v1/reports/national?fiscal_year={FY}").json()
    assert api["edition_status"] == "submitted"
    assert {f["code"]: f["value"] for f in api["figures"]}["P1-1"] == 4  # the API stays live


def test_typed_cells_carry_a_note_and_an_author_until_final(city, w, client):
    secretariat = _actor(city.secretariat)
    submission.manual_value_save(actor=secretariat, fiscal_year=FY, code="P0-3-budget",
                                 value=12000, note="当初予算")
    submission.manual_value_save(actor=secretariat, fiscal_year=FY, code="P0-3-budget",
                                 value=12500, note="補正後")
    cell = {f["code"]: f for f in national.national_report(city.municipality, FY)}["P0-3-budget"]
    assert (cell["value"], cell["available"], cell["note"], cell["author"]) == \
        (12500, True, "補正後", "secretariat")
    with pytest.raises(ValidationError, match="0以上"):
        submission.manual_value_save(actor=secretariat, fiscal_year=FY, code="P0-3-budget",
                                     value=-1)
    with pytest.raises(ValidationError, match="手入力できる項目ではありません"):
        submission.manual_value_save(actor=secretariat, fiscal_year=FY, code="P1-1", value=3)
    with pytest.raises(PermissionDenied):
        submission.manual_value_save(actor=_actor(city.coordinator), fiscal_year=FY,
                                     code="P0-3-budget", value=1)
    _submitted(city)
    with pytest.raises(ValidationError, match="提出済みの報告は変更できません"):
        submission.manual_value_save(actor=secretariat, fiscal_year=FY, code="P0-3-budget",
                                     value=1)
    client.force_login(city.secretariat)
    api = client.get(f"/api/v1/reports/national?fiscal_year={FY}").json()
    budget = next(f for f in api["figures"] if f["code"] == "P0-3-budget")
    assert budget["value"] == 12500 and budget["available"] is True


def test_the_screen_offers_each_role_its_step(city, w, client):
    client.force_login(city.secretariat)
    page = client.get(f"/stats/national/?fiscal_year={FY}").content.decode()
    assert 'data-testid="national-advance"' in page and "「機関確認」へ進める" in page
    response = client.post(f"/stats/national/transition/?fiscal_year={FY}",
                           {"to_status": "org_confirm"})
    assert response.status_code == 302
    client.force_login(city.coordinator)
    page = client.get(f"/stats/national/?fiscal_year={FY}").content.decode()
    assert 'data-testid="national-confirm"' in page and 'data-testid="national-advance"' not in page
    assert client.post(f"/stats/national/transition/?fiscal_year={FY}",
                       {"to_status": "final"}).status_code == 403
    client.post(f"/stats/national/confirm/?fiscal_year={FY}", {"comment": "確認しました"})
    assert NationalReportConfirmation.objects.get().comment == "確認しました"
    client.force_login(city.secretariat)
    client.post(f"/stats/national/transition/?fiscal_year={FY}", {"to_status": "final"})
    back = client.post(f"/stats/national/transition/?fiscal_year={FY}",
                       {"to_status": "draft", "reason": ""}, follow=True).content.decode()
    assert "戻す理由: 前の段階に戻すときは理由を入力してください。" in back
    assert NationalReportEdition.objects.get().status == "final"
    bad = client.post(f"/stats/national/manual/?fiscal_year={FY}",
                      {"code": "P0-3-budget", "value": "abc"}, follow=True).content.decode()
    assert "値: 整数で入力してください" in bad
    committee = User.objects.create_user(username="iin", password="x-correct-horse",
                                         municipality=city.municipality)
    Membership.objects.create(user=committee, organization=city.orgs["city"], role=Role.COMMITTEE)
    client.force_login(committee)
    for url in ("transition", "confirm", "manual", "export"):
        assert client.post(f"/stats/national/{url}/?fiscal_year={FY}").status_code == 403
