"""名寄せ: key table, incremental candidates, decisions, unmerge, batch runs."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kasane.access.models import Grant
from kasane.audit.models import AccessLog, ChangeRecord
from kasane.people import services
from kasane.people import services as ms
from kasane.people.models import (
    MatchCandidate,
    MatchRun,
    MatchRunStatus,
    Person,
    PersonLink,
    PersonMatchKey,
)
from kasane.people.selectors import cluster_of
from kasane.people.services import matching
from kasane.people.tests.factories import actor, make_consent, make_person

pytestmark = pytest.mark.django_db

TAKAHASHI = {"family_name": "髙橋", "given_name": "博", "family_name_kana": "ﾀｶﾊｼ",
             "given_name_kana": "ひろし", "birth_date": dt.date(1950, 4, 3),
             "phone": "042-555-1234", "address": "重ね市本町三丁目4番5号"}
TAKAHASHI_2 = {"family_name": "高橋", "given_name": "博", "family_name_kana": "タカハシ",
               "given_name_kana": "ヒロシ", "birth_date": dt.date(1950, 3, 4),
               "phone": "", "address": "重ね市本町3-4-5"}


def pair(city, shared_with=("city",)):
    """髙橋 博 recorded by 障害相談 and 高橋 博 (day/month swapped) by 社協, both shared
    with the given organizations by consent."""
    a = make_person(city.recorder, **TAKAHASHI)
    b = make_person(city.outsider, **TAKAHASHI_2)
    orgs = [city.orgs[k] for k in shared_with]
    make_consent(city.recorder, a, orgs)
    make_consent(city.outsider, b, orgs)
    return a, b


def test_it_stores_block_and_name_keys_and_replaces_them_on_update(city) -> None:
    person = make_person(city.recorder, **TAKAHASHI)
    keys = set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True))
    assert "kn:タカハシヒロシ:195004" in keys and "ph:0425551234" in keys
    assert {k[:3] for k in keys} >= {"kn:", "kj:", "bf:", "fk:", "gj:"}
    services.person_update(actor=actor(city.recorder), person=person,
                           fields={"phone": "03-1111-2222"})
    keys = set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True))
    assert "ph:0311112222" in keys and "ph:0425551234" not in keys


def test_it_queues_a_candidate_when_a_duplicate_is_registered(city) -> None:
    a, b = pair(city)
    cand = MatchCandidate.objects.get()
    assert (cand.person_a_id, cand.person_b_id) == (a.pk, b.pk)
    assert cand.status == "pending" and cand.band in ("high", "review") and cand.score >= 18
    labels = " ".join(c["label"] for c in cand.comparisons)
    assert "異体字を同一視" in labels and "入れ替わり" in labels
    assert cand.municipality_id == city.municipality.pk


def test_it_does_not_queue_namesakes_or_household_members(city) -> None:
    make_person(city.recorder, **TAKAHASHI)
    make_person(city.recorder, **{**TAKAHASHI, "birth_date": dt.date(1981, 9, 9), "phone": "",
                                  "address": "重ね市港町1-1-1"})
    make_person(city.recorder, **{**TAKAHASHI, "given_name": "和子", "given_name_kana": "カズコ",
                                  "birth_date": dt.date(1952, 1, 1)})
    assert not MatchCandidate.objects.exists()


def test_it_never_requeues_a_decided_pair(city) -> None:
    a, b = pair(city)
    cand = MatchCandidate.objects.get()
    ms.match_decide(actor=actor(city.coordinator), candidate=cand, decision="different",
                    note="生年月日を本人に確認、別人")
    services.person_update(actor=actor(city.outsider), person=b, fields={"birth_date": a.birth_date})
    run = MatchRun.objects.create(municipality=city.municipality)
    matching.run_batch(run, workers=1)
    cand.refresh_from_db()
    assert cand.status == "different" and MatchCandidate.objects.count() == 1
    assert run.status == MatchRunStatus.DONE and run.skipped_decided == 1 and run.created == 0


def test_it_merges_without_touching_grants_and_unmerges(city) -> None:
    a, b = pair(city)
    grants_before = sorted(Grant.objects.values_list("pk", "organization_id", "person_id", "ended_at"))
    cand = MatchCandidate.objects.get()
    coordinator = actor(city.coordinator)
    ms.match_decide(actor=coordinator, candidate=cand, decision="same", note="")
    link = PersonLink.objects.get()
    assert cluster_of(a.pk) == {a.pk, b.pk}
    assert Person.objects.filter(pk__in=[a.pk, b.pk]).count() == 2  # both source records kept
    assert sorted(Grant.objects.values_list("pk", "organization_id", "person_id", "ended_at")) \
        == grants_before
    assert ChangeRecord.objects.filter(model="people.PersonLink", operation="create").exists()
    assert AccessLog.objects.filter(action="person.match.decide", person_id=b.pk).exists()
    with pytest.raises(ValidationError):  # decided once
        ms.match_decide(actor=coordinator, candidate=cand, decision="different")
    with pytest.raises(ValidationError):
        ms.link_unmerge(actor=coordinator, link=link, reason=" ")
    ms.link_unmerge(actor=coordinator, link=link, reason="入力時の取り違え")
    link.refresh_from_db()
    cand.refresh_from_db()
    assert link.ended_at is not None and cluster_of(a.pk) == {a.pk}
    assert cand.status == "pending" and cand.decided_by is None
    assert ChangeRecord.objects.filter(model="people.PersonLink", operation="update").exists()


def test_it_refuses_decisions_without_both_records_or_the_role(city) -> None:
    a, b = pair(city, shared_with=("houkatsu",))  # the coordinator (市) sees neither
    cand = MatchCandidate.objects.get()
    with pytest.raises(PermissionDenied):
        ms.match_decide(actor=actor(city.coordinator), candidate=cand, decision="same")
    with pytest.raises(PermissionDenied):  # sees both, but is not a coordinator
        ms.match_decide(actor=actor(city.partner), candidate=cand, decision="same")
    assert AccessLog.objects.filter(basis="denied", user=city.coordinator).exists()
    assert not PersonLink.objects.exists()


def test_it_requires_a_note_to_hold(city) -> None:
    pair(city)
    cand = MatchCandidate.objects.get()
    with pytest.raises(ValidationError) as exc:
        ms.match_decide(actor=actor(city.coordinator), candidate=cand, decision="hold")
    assert "note" in exc.value.message_dict
    ms.match_decide(actor=actor(city.coordinator), candidate=cand, decision="hold",
                    note="電話で生年月日を確認する")
    cand.refresh_from_db()
    assert cand.status == "hold" and cand.note == "電話で生年月日を確認する"


def test_it_drops_an_open_candidate_when_the_record_is_corrected(city) -> None:
    a, b = pair(city)
    assert MatchCandidate.objects.count() == 1
    services.person_update(actor=actor(city.outsider), person=b, fields={
        "family_name": "中村", "family_name_kana": "ナカムラ", "given_name": "美紀",
        "given_name_kana": "ミキ", "birth_date": dt.date(1990, 1, 1), "address": "重ね市港町1-1-1"})
    assert not MatchCandidate.objects.exists()


def test_it_runs_a_batch_and_finds_pairs_added_behind_the_services(city, django_capture_on_commit_callbacks,
                                                                  settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "ENQUEUE_ON_COMMIT": False}}
    a = make_person(city.recorder, **TAKAHASHI)
    b = make_person(city.outsider, **TAKAHASHI_2)
    MatchCandidate.objects.all().delete()
    PersonMatchKey.objects.all().delete()  # e.g. a bulk import that bypassed the services
    with django_capture_on_commit_callbacks(execute=True):
        run = ms.match_run_request(actor=actor(city.coordinator))
    run.refresh_from_db()
    assert run.status == MatchRunStatus.DONE and run.persons == 2 and run.created == 1
    assert MatchCandidate.objects.filter(person_a=a, person_b=b, found_by="batch").exists()
    with pytest.raises(PermissionDenied):
        ms.match_run_request(actor=actor(city.recorder))


def test_it_refuses_a_second_run_while_one_is_queued(city) -> None:
    MatchRun.objects.create(municipality=city.municipality)
    with pytest.raises(ValidationError):
        ms.match_run_request(actor=actor(city.coordinator))


def test_it_rebuilds_keys(city) -> None:
    a = make_person(city.recorder, **TAKAHASHI)
    count = PersonMatchKey.objects.filter(person=a).count()
    PersonMatchKey.objects.all().delete()
    assert matching.keys_rebuild(city.municipality.pk) == 1
    assert PersonMatchKey.objects.filter(person=a).count() == count


def test_it_never_matches_across_municipalities(city) -> None:
    from kasane.accounts.models import Membership, Role, User

    other_user = User.objects.create_user(username="other_cw", password="x", municipality=city.other)
    Membership.objects.create(user=other_user, organization=city.other_org, role=Role.CASEWORKER)
    make_person(city.recorder, **TAKAHASHI)
    make_person(other_user, **TAKAHASHI)
    assert not MatchCandidate.objects.exists()
    assert PersonMatchKey.objects.values("municipality").distinct().count() == 2


def test_a_matching_failure_never_loses_the_person(city, monkeypatch) -> None:
    def boom(person):
        raise RuntimeError("engine down")

    monkeypatch.setattr(matching, "match_person", boom)
    person = make_person(city.recorder, **TAKAHASHI)
    assert Person.objects.filter(pk=person.pk).exists()


def test_a_batch_falls_back_to_one_process_and_records_failures(city, monkeypatch) -> None:
    make_person(city.recorder, **TAKAHASHI)
    make_person(city.outsider, **TAKAHASHI_2)
    real = matching.candidate_pairs

    def flaky(records, **kwargs):
        if kwargs["workers"] > 1:
            raise TypeError("worker crashed")
        return real(records, **kwargs)

    monkeypatch.setattr(matching, "candidate_pairs", flaky)
    run = matching.run_batch(MatchRun.objects.create(municipality=city.municipality), workers=2)
    assert run.status == MatchRunStatus.DONE and run.pairs == 1

    def broken(records, **kwargs):
        raise RuntimeError("engine down")

    monkeypatch.setattr(matching, "candidate_pairs", broken)
    run = matching.run_batch(MatchRun.objects.create(municipality=city.municipality), workers=2)
    run.refresh_from_db()
    assert run.status == MatchRunStatus.FAILED and "engine down" in run.message


def test_refreshing_keys_restores_the_key_table(city) -> None:
    person = make_person(city.recorder, **TAKAHASHI)
    expected = set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True))
    PersonMatchKey.objects.filter(person=person).delete()
    assert services.person_refresh_keys(persons=[person]) == 1
    assert set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True)) == expected


def test_emergency_access_is_no_basis_for_a_decision(city) -> None:
    from kasane.access.services import emergency_access_request

    a = make_person(city.coordinator, **TAKAHASHI)
    b = make_person(city.outsider, **TAKAHASHI_2)  # not shared: the coordinator sees a only
    emergency_access_request(actor=actor(city.coordinator), person_id=b.pk,
                             reason="訪問時に応答がなく、安否確認のため連絡先を確認")
    cand = MatchCandidate.objects.get()
    with pytest.raises(PermissionDenied):
        ms.match_decide(actor=actor(city.coordinator), candidate=cand, decision="same")
    assert not PersonLink.objects.exists() and a.pk
