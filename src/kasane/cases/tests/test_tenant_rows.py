"""Contacts, involvements and referrals carry their case's municipality (``CaseTenantRow``):
every way of creating them sets it (services, the sheet links, the API, imports), a row can
never hold another tenant's id (``save`` refuses it; on PostgreSQL a composite foreign key
refuses it for any writer), and the migrations fill the column of existing rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from kasane.cases import services
from kasane.cases.models import Case, Contact, Involvement, Referral
from kasane.cases.tests.factories import contact_data, refer, setup_case
from kasane.cases.tests.test_sheet_links import _contact_row, _outreach
from kasane.people.tests.factories import actor
from kasane.sheets import imports
from kasane.sheets import selectors as sheet_selectors
from kasane.sheets.models import ImportStatus, SheetDerivation
from kasane.sheets.tests.factories import full_answers, import_csv

pytestmark = pytest.mark.django_db
ROWS = (Contact, Involvement, Referral)


def _tenants(case: Case) -> dict[str, set[int]]:
    """The municipality ids stored on each kind of row of ``case``."""
    return {model.__name__: set(model.objects.filter(case=case).values_list(
        "municipality_id", flat=True)) for model in ROWS}


def _other_case(city: Any) -> Case:
    return Case.objects.create(municipality=city.other, lead_org=city.other_org,
                               opened_by=city.other_admin, opened_org=city.other_org,
                               summary="他区のケース")


def test_it_sets_the_tenant_in_every_service_that_creates_rows(city) -> None:
    s = setup_case(city)  # case_open: the lead Involvement
    services.referral_accept(actor=s.recorder, referral=refer(s, city.orgs["shougai"]))
    services.contact_record(actor=s.coord, case=s.case, data=contact_data())
    assert Involvement.objects.filter(case=s.case).count() == 2  # + involvement_ensure
    assert _tenants(s.case) == {"Contact": {city.municipality.pk},
                                "Involvement": {city.municipality.pk},
                                "Referral": {city.municipality.pk}}


def test_a_sheets_contacts_carry_the_tenant(city) -> None:
    s = setup_case(city)
    _outreach(city, s, [_contact_row(5), _contact_row(2)])
    assert list(Contact.objects.filter(case=s.case).values_list("municipality_id", flat=True)) \
        == [city.municipality.pk] * 2


def test_the_api_sets_the_tenant(city, client) -> None:
    s = setup_case(city)
    client.force_login(city.coordinator)
    referred = client.post(f"/api/v1/cases/{s.case.pk}/referrals", {
        "to_organization_id": city.orgs["shougai"].pk, "reason": "障害福祉サービスの検討",
        "consent_id": s.consent.pk}, content_type="application/json")
    assert referred.status_code == 201, referred.content
    r = client.post(f"/api/v1/cases/{s.case.pk}/contacts", {
        "at": (timezone.now() - dt.timedelta(hours=2)).isoformat(), "method": "visit",
        "summary": "訪問", "tags": ["outreach"]}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert Referral.objects.get(pk=referred.json()["id"]).municipality_id == city.municipality.pk
    assert Contact.objects.get(pk=r.json()["id"]).municipality_id == city.municipality.pk


def _application_csv(city: Any) -> bytes:
    """One 相談受付・申込票 row (own case, consent naming 障害相談) as the import reads it."""
    definition = sheet_selectors.definition_current(municipality_id=city.municipality.pk,
                                                    code="intake_application")
    answers = full_answers(definition.schema, [city.orgs["shougai"].pk], [city.recorder.pk])
    answers.update(
        person={"family_name": "小川", "given_name": "進", "family_name_kana": "オガワ",
                "given_name_kana": "ススム", "birth_date": "1950-02-03"},
        disposition="own", restriction_requested=False, consent_orgs=[city.orgs["shougai"].pk],
        consent_purposes=["information_sharing"], consent_on="2024-05-01",
        consent_method="written")
    return import_csv(definition.schema, answers)


def test_an_imported_application_opens_a_case_whose_rows_carry_the_tenant(city) -> None:
    job = imports.import_create(actor=actor(city.recorder), code="intake_application",
                                upload=SimpleUploadedFile("apps.csv", _application_csv(city)))
    job = imports.run_commit(imports.run_check(job))
    assert job.status == ImportStatus.DONE, job.message
    case = Case.objects.get(pk=SheetDerivation.objects.get(record__import_job=job,
                                                           key="case").object_id)
    assert _tenants(case)["Involvement"] == {city.municipality.pk}


def test_save_fills_the_tenant_from_the_case_and_refuses_another(city) -> None:
    theirs = _other_case(city)
    contact = Contact.objects.create(case=theirs, at=timezone.now(), method="visit",
                                     summary="訪問", author=city.other_admin,
                                     organization=city.other_org)
    assert contact.municipality_id == city.other.pk
    wrong = Contact(case=theirs, municipality=city.municipality, at=timezone.now(),
                    method="visit", summary="訪問", author=city.other_admin,
                    organization=city.other_org)
    with pytest.raises(ValueError, match="ケースの自治体と異なります"):
        wrong.save()
    contact.municipality = city.municipality
    with pytest.raises(ValueError):
        contact.save()
    assert list(Contact.objects.values_list("municipality_id", flat=True)) == [city.other.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the composite key is PostgreSQL's")
def test_the_database_refuses_another_tenants_id_from_any_writer(city) -> None:
    s = setup_case(city)
    services.contact_record(actor=s.coord, case=s.case, data=contact_data())
    refer(s, city.orgs["shougai"])
    for table in ("cases_contact", "cases_involvement", "cases_referral"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"SET CONSTRAINTS {table}_case_tenant IMMEDIATE")
            cur.execute(f"UPDATE {table} SET municipality_id = %s WHERE case_id = %s",  # noqa: S608
                        [city.other.pk, s.case.pk])
    assert _tenants(s.case)["Contact"] == {city.municipality.pk}


def _migrate(target: str) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("cases", target)])


@pytest.mark.django_db(transaction=True)
def test_the_migrations_backfill_each_row_with_its_cases_tenant(city) -> None:
    s = setup_case(city)
    refer(s, city.orgs["shougai"])
    services.contact_record(actor=s.coord, case=s.case, data=contact_data())
    theirs = _other_case(city)
    for _ in range(2):
        Contact.objects.create(case=theirs, at=timezone.now(), method="visit", summary="訪問",
                               author=city.other_admin, organization=city.other_org)
    Involvement.objects.create(case=theirs, organization=city.other_org, role="lead",
                               basis="own_record")
    expected = {(m.__name__, case.pk): {case.municipality_id} for m in ROWS
                for case in (s.case, theirs) if m.objects.filter(case=case).exists()}
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate("0010_report_covering_indexes")
        with connection.cursor() as cur:
            cur.execute("SELECT * FROM cases_contact LIMIT 0")
            assert "municipality_id" not in [c[0] for c in cur.description]
        _migrate("0012_tenant_on_rows_required")
        got = {(m.__name__, case.pk): set(m.objects.filter(case=case).values_list(
            "municipality_id", flat=True)) for m in ROWS for case in (s.case, theirs)
            if m.objects.filter(case=case).exists()}
        assert got == expected and len(got) == 5
    finally:
        MigrationExecutor(connection).migrate(leaves)
