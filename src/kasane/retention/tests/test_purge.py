"""The purge service: dry run first, anonymise expired records, holds, audit, seal chain."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from kasane.audit.models import AccessLog, AuditSeal, ChangeRecord
from kasane.audit.sealing import seal_pending, verify
from kasane.cases.models import Case, Contact, SupportPlan
from kasane.people.models import Person, PersonMatchKey
from kasane.retention import services
from kasane.retention.anonymise import MARK
from kasane.retention.models import PurgedRecord, PurgeRun, RecordType
from kasane.retention.selectors import add_years, purge_plan
from kasane.retention.tests.factories import LATER, closed_case, lone_person, membership, sheet


@pytest.mark.django_db
def test_it_reports_nothing_before_the_period_ends(city) -> None:
    closed_case(city)
    plan = purge_plan(municipality=city.municipality)
    assert all(not plan.expiring[t] for t in RecordType.values)


@pytest.mark.django_db
def test_a_dry_run_lists_expired_records_and_changes_nothing(city) -> None:
    s = closed_case(city)
    linked = sheet(city, person_id=s.person.pk, case_id=s.case.pk)
    alone = sheet(city, written_on=timezone.localdate())
    run, plan = services.purge_execute(municipality=city.municipality, dry_run=True, as_of=LATER)
    assert plan.ids(RecordType.CASE) == [s.case.pk]
    assert plan.case_sheets == {s.case.pk: [linked.pk]}
    assert plan.ids(RecordType.SHEET) == [alone.pk]
    assert plan.ids(RecordType.PERSON) == [s.person.pk]
    assert run.dry_run and run.counts["case"] == 1 and run.expiring["case_sheet"] == [linked.pk]
    s.case.refresh_from_db()
    assert s.case.summary == "8050世帯の相談"
    assert not PurgedRecord.objects.exists()
    assert AccessLog.objects.filter(action="retention.dry_run").count() == 1


@pytest.mark.django_db
def test_it_refuses_to_purge_without_confirmation(city) -> None:
    closed_case(city)
    with pytest.raises(ValidationError):
        services.purge_execute(municipality=city.municipality, dry_run=False, as_of=LATER)
    assert not PurgeRun.objects.exists()


@pytest.mark.django_db
def test_it_anonymises_a_case_its_contents_sheets_and_person(city) -> None:
    s = closed_case(city)
    linked = sheet(city, person_id=s.person.pk, case_id=s.case.pk)
    run, _ = services.purge_execute(municipality=city.municipality, dry_run=False, confirm=True,
                                    as_of=LATER)
    case = Case.objects.get(pk=s.case.pk)
    assert case.summary == MARK and case.status == "closed"  # the row and its figures stay
    contact = Contact.objects.get(case=case)
    assert contact.summary == MARK and contact.next_action == "" and contact.method == "visit"
    assert SupportPlan.objects.get(case=case).goals == [{"text": MARK}]
    linked.refresh_from_db()
    assert linked.answers == {} and linked.person_snapshot == {}
    person = Person.objects.get(pk=s.person.pk)
    assert person.family_name == MARK and person.address == "" and person.birth_date is None
    assert person.phone == "" and person.kana_key == ""
    assert not PersonMatchKey.objects.filter(person=person).exists()
    assert run.counts["case"] == 1 and run.counts["contact"] == 1 and run.counts["person"] == 1
    assert run.counts["sheet"] == 1
    # audited: field names and the run, never the removed content
    changes = ChangeRecord.objects.filter(model="cases.Contact", object_id=str(contact.pk),
                                          reason__contains=f"#{run.pk}").get()
    assert changes.changes["summary"][1] == MARK
    assert "母の介護" not in str(changes.changes)
    assert set(AccessLog.objects.filter(action="retention.purge").values_list(
        "object_type", flat=True)) == {"cases.Case", "people.Person"}
    assert AccessLog.objects.get(action="retention.purge", object_type="people.Person").person_id == person.pk


@pytest.mark.django_db
def test_a_second_run_finds_nothing_left(city) -> None:
    closed_case(city)
    services.purge_execute(municipality=city.municipality, dry_run=False, confirm=True, as_of=LATER)
    run, plan = services.purge_execute(municipality=city.municipality, dry_run=True, as_of=LATER)
    assert all(not plan.expiring[t] for t in RecordType.values)


@pytest.mark.django_db
def test_a_hold_on_the_person_keeps_the_case_and_lists_it_as_held(city) -> None:
    s = closed_case(city)
    services.legal_hold_set(actor=membership(city.secretariat), person_id=s.person.pk,
                            reason="訴訟のため保存")
    run, plan = services.purge_execute(municipality=city.municipality, dry_run=False, confirm=True,
                                       as_of=LATER)
    assert [c.object_id for c in plan.held[RecordType.CASE]] == [s.case.pk]
    assert "訴訟のため保存" in plan.held[RecordType.CASE][0].holds[0]
    assert [c.object_id for c in plan.held[RecordType.PERSON]] == [s.person.pk]
    assert Case.objects.get(pk=s.case.pk).summary == "8050世帯の相談"
    assert Person.objects.get(pk=s.person.pk).family_name == "山田"
    assert run.held["case"] == [s.case.pk]


@pytest.mark.django_db
def test_a_hold_on_the_case_keeps_its_subjects_and_a_release_lets_them_go(city) -> None:
    s = closed_case(city)
    secretariat = membership(city.secretariat)
    hold = services.legal_hold_set(actor=secretariat, case_id=s.case.pk, reason="情報公開請求への対応")
    plan = purge_plan(municipality=city.municipality, as_of=LATER)
    assert not plan.expiring[RecordType.CASE] and not plan.expiring[RecordType.PERSON]
    assert [c.object_id for c in plan.held[RecordType.PERSON]] == [s.person.pk]
    services.legal_hold_release(actor=secretariat, hold_id=hold.pk, reason="請求への回答が済んだ")
    plan = purge_plan(municipality=city.municipality, as_of=LATER)
    assert plan.ids(RecordType.CASE) == [s.case.pk]


@pytest.mark.django_db
def test_a_person_with_a_case_still_kept_is_not_purged(city) -> None:
    s = closed_case(city)
    Case.objects.filter(pk=s.case.pk).update(status="watching")  # 見守り継続: never expires
    plan = purge_plan(municipality=city.municipality, as_of=LATER)
    assert plan.ids(RecordType.CASE) == [] and plan.ids(RecordType.PERSON) == []


@pytest.mark.django_db
def test_a_lone_person_and_an_old_sheet_follow_their_own_periods(city) -> None:
    person = lone_person(city)
    old = sheet(city, person_id=person.pk, written_on=dt.date(2020, 4, 1))
    recent = sheet(city, written_on=timezone.localdate())
    Person.objects.filter(pk=person.pk).update(updated_at=timezone.now() - dt.timedelta(days=6 * 366))
    plan = purge_plan(municipality=city.municipality,
                      as_of=add_years(timezone.localdate(), 5) - dt.timedelta(days=1))
    assert plan.ids(RecordType.SHEET) == [old.pk]  # 2020 + 5 years has passed, today's has not
    assert recent.pk not in plan.ids(RecordType.SHEET)
    assert plan.ids(RecordType.PERSON) == [person.pk]


@pytest.mark.django_db
def test_a_tenant_period_overrides_the_default(city) -> None:
    services.retention_policy_set(actor=membership(city.admin), record_type="sheet", years=10)
    old = sheet(city, written_on=dt.date(2020, 4, 1))
    assert old.pk not in purge_plan(municipality=city.municipality,
                                    as_of=dt.date(2026, 4, 2)).ids(RecordType.SHEET)
    assert old.pk in purge_plan(municipality=city.municipality,
                                as_of=dt.date(2030, 4, 1)).ids(RecordType.SHEET)


@pytest.mark.django_db
def test_it_never_touches_another_tenant(city) -> None:
    closed_case(city)
    plan = purge_plan(municipality=city.other, as_of=LATER)
    assert all(not plan.expiring[t] for t in RecordType.values)


@pytest.mark.django_db
def test_the_seal_chain_stays_intact_after_a_purge(city, settings, tmp_path) -> None:
    settings.KASANE_AUDIT_SEAL_FILE = tmp_path / "seals.jsonl"
    settings.KASANE_AUDIT_SEAL_SETTLE_SECONDS = 0
    settings.KASANE_AUDIT_SEAL_GAP_MINUTES = 0
    closed_case(city)
    later = timezone.now() + dt.timedelta(minutes=1)
    assert seal_pending(now=later)
    audit_rows = (AccessLog.objects.count(), ChangeRecord.objects.count())
    services.purge_execute(municipality=city.municipality, dry_run=False, confirm=True, as_of=LATER)
    assert AccessLog.objects.count() > audit_rows[0] and ChangeRecord.objects.count() > audit_rows[1]
    seal_pending(now=later + dt.timedelta(minutes=1))
    assert AuditSeal.objects.count() >= 3
    assert verify() is None


@pytest.mark.django_db
def test_the_command_needs_a_flag_and_reports(city, capsys) -> None:
    s = closed_case(city)
    with pytest.raises(Exception, match="--yes"):
        call_command("purge")
    call_command("purge", "--dry-run", "--as-of", LATER.isoformat())
    out = capsys.readouterr().out
    assert "確認（ドライラン）" in out and f"#{s.case.pk}" in out
    assert Case.objects.get(pk=s.case.pk).summary != MARK
    call_command("purge", "--yes", "--municipality", city.municipality.code, "--by", "secretariat",
                 "--as-of", LATER.isoformat())
    assert Case.objects.get(pk=s.case.pk).summary == MARK
    assert PurgeRun.objects.filter(dry_run=False, started_by=city.secretariat).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["1e9", "99999999999999999999", -1, "", "髙"])
def test_a_hold_by_an_impossible_id_is_a_japanese_refusal(city, number) -> None:
    """Found by the service fuzzing: a string id raised ValueError instead of a refusal."""
    with pytest.raises(ValidationError) as refused:
        services.legal_hold_set(actor=membership(city.secretariat), person_id=number,
                                reason="訴訟のため保存")
    assert "見つかりません" in str(refused.value) or "どちらか" in str(refused.value)
