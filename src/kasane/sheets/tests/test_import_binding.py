"""Import = submission: LoGoフォーム exports map themselves (preset, then the mapping the
municipality saved), rows bind or create persons (名寄せ candidates queued), consent answers
are recorded, links derived, and a second import of the same file creates nothing."""

from __future__ import annotations

import csv
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kasane.audit.models import AccessLog, ChangeRecord
from kasane.people.models import Consent, MatchCandidate, Person
from kasane.sheets import imports, selectors
from kasane.sheets.models import ImportMapping, ImportStatus, SheetDerivation, SheetRecord

from .factories import actor, full_answers, import_csv

LOGO_HEADER = ["回答ID", "回答日時", "ステータス", "相談日", "窓口（事業）", "相談方法", "相談者",
               "氏名（姓）", "氏名（名）", "フリガナ（セイ）", "フリガナ（メイ）", "生年月日", "性別",
               "課題", "概要", "対応", "同意の状況"]
FAMILY = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("髙橋", "タカハシ"), ("田中", "タナカ"),
          ("渡邊", "ワタナベ"), ("伊藤", "イトウ"), ("山本", "ヤマモト"), ("中村", "ナカムラ")]
GIVEN = [("和夫", "カズオ"), ("花子", "ハナコ"), ("翔", "ショウ"), ("美咲", "ミサキ"), ("誠", "マコト"),
         ("陽子", "ヨウコ"), ("健一", "ケンイチ"), ("直美", "ナオミ")]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "ENQUEUE_ON_COMMIT": False}}


def logo_export(n: int, seed: int = 7) -> bytes:
    """A LoGoフォーム-like export of a 包括的相談支援 form: labels for choices, commas between
    several, 回答日時 with a time, one row in ten the same person as an earlier row."""
    rnd = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(LOGO_HEADER)
    people: list[tuple[str, str, str, str, str]] = []
    for i in range(n):
        if people and i % 10 == 9:
            fam, given, fk, gk, born = rnd.choice(people)
        else:
            (fam, fk), (given, gk) = rnd.choice(FAMILY), rnd.choice(GIVEN)
            born = f"{rnd.randint(1940, 2000)}/{rnd.randint(1, 12)}/{rnd.randint(1, 28)}"
            people.append((fam, given, fk, gk, born))
        action = "多機関協働へ" if i % 50 == 0 else "自機関で終了"
        w.writerow([1000 + i, f"2024/{rnd.randint(1, 12)}/{rnd.randint(1, 28)} 10:{i % 60:02d}:00",
                    "受付済", f"2024/{rnd.randint(1, 12)}/{rnd.randint(1, 28)}", "自立相談支援", "来所",
                    "本人", fam, given, fk, gk, born, rnd.choice(["男性", "女性"]),
                    "収入・生活費のこと◎, 債務○", f"相談の概要 {i}", action, "口頭"])
    return out.getvalue().encode("cp932")


def _import(me, data: bytes, code: str = "comprehensive_consultation", name: str = "logo.csv"):
    job = imports.import_create(actor=me, code=code, upload=SimpleUploadedFile(name, data))
    job = imports.run_check(job)
    return job, imports.run_commit(job) if not job.row_errors else job


def test_a_thousand_logo_rows_create_persons_with_candidates_and_never_twice(city) -> None:
    me = actor(city.recorder)
    data = logo_export(1000)
    job = imports.import_create(actor=me, code="comprehensive_consultation",
                                upload=SimpleUploadedFile("logo.csv", data))
    assert job.preset == "logo"
    assert {job.headers[int(i)]: p for i, p in job.mapping.items()} == {
        "回答日時": "_written_on", "相談日": "consulted_on", "窓口（事業）": "program",
        "相談方法": "method", "相談者": "requester", "氏名（姓）": "person.family_name",
        "氏名（名）": "person.given_name", "フリガナ（セイ）": "person.family_name_kana",
        "フリガナ（メイ）": "person.given_name_kana", "生年月日": "person.birth_date",
        "性別": "person.sex", "課題": "problems", "概要": "summary", "対応": "own_action",
        "同意の状況": "consent_state"}
    job = imports.run_check(job)
    assert job.row_errors == [] and job.valid_rows == 1000
    job = imports.run_commit(job)
    assert job.status == ImportStatus.DONE, job.message
    assert (job.created_count, job.persons_created, job.duplicate_rows) == (1000, 1000, 0)
    records = SheetRecord.objects.filter(import_job=job)
    assert not records.filter(person_id__isnull=True).exists()
    assert Person.objects.filter(municipality=city.municipality).count() == 1000
    first = records.order_by("pk").first()
    assert first.answers["problems"] == {"marked": ["income", "debt"], "main": "income"}
    # every person audited, and the repeated persons proposed to the 推進員 (never merged)
    person_ids = list(Person.objects.values_list("pk", flat=True))
    assert ChangeRecord.objects.filter(model="people.Person", operation="create").count() == 1000
    assert AccessLog.objects.filter(action="person.create", person_id__in=person_ids).count() == 1000
    assert MatchCandidate.objects.filter(municipality=city.municipality).count() >= 90
    # 多機関協働へ rows wait for the 推進員's decision (links derived on import)
    assert SheetDerivation.objects.filter(record__import_job=job, key="case",
                                          status="pending").count() == 20

    again, done = _import(me, data)
    # the same headers: the mapping the first import used, saved for the municipality
    assert again.preset == "saved" and again.mapping == job.mapping
    assert ImportMapping.objects.filter(municipality=city.municipality).count() == 1
    assert (done.created_count, done.duplicate_rows, done.persons_created) == (0, 1000, 0)
    assert "取り込み済みの1000行は除きました" in done.message
    assert SheetRecord.objects.count() == 1000 and Person.objects.count() == 1000


def test_a_mapping_set_by_hand_is_saved_for_the_municipality_and_reused(city) -> None:
    me = actor(city.recorder)
    header = "本人の苗字,本人の名前,フリガナ苗字,フリガナ名前,中心の課題,本人の力\n"
    data = (header + "山田,花子,ヤマダ,ハナコ,課題A,料理\n").encode()
    job = imports.import_create(actor=me, code="nine_grid", upload=SimpleUploadedFile("a.csv", data))
    mapping = {**job.mapping, "0": "person.family_name", "1": "person.given_name",
               "2": "person.family_name_kana", "3": "person.given_name_kana"}
    imports.import_set_mapping(actor=me, job=job, mapping=mapping)
    other = actor(city.partner)  # another organization of the same municipality
    second = imports.import_create(actor=other, code="nine_grid",
                                   upload=SimpleUploadedFile("b.csv", data))
    assert (second.preset, second.mapping) == ("saved", mapping)
    second = imports.run_commit(imports.run_check(second))
    record = SheetRecord.objects.get(import_job=second)
    assert Person.objects.get(pk=record.person_id).family_name == "山田"


def test_imported_applications_record_consent_and_open_cases_like_a_submission(city) -> None:
    me = actor(city.recorder)
    definition = selectors.definition_current(municipality_id=city.municipality.pk,
                                              code="intake_application")
    answers = full_answers(definition.schema, [city.orgs["shougai"].pk], [city.recorder.pk])
    answers.update(
        person={"family_name": "小川", "given_name": "進", "family_name_kana": "オガワ",
                "given_name_kana": "ススム", "birth_date": "1950-02-03"},
        disposition="own", restriction_requested=False,
        consent_orgs=[city.orgs["shougai"].pk, city.orgs["city"].pk],
        consent_purposes=["information_sharing"], consent_on="2024-05-01",
        consent_method="written")
    job = imports.import_create(actor=me, code="intake_application",
                                upload=SimpleUploadedFile("apps.csv",
                                                          import_csv(definition.schema, answers)))
    job = imports.run_check(job)
    assert job.row_errors == []
    job = imports.run_commit(job)
    assert job.status == ImportStatus.DONE, job.message
    record = SheetRecord.objects.get(import_job=job)
    person = Person.objects.get(pk=record.person_id)
    assert person.family_name == "小川"
    consent = Consent.objects.get(person=person)
    assert set(consent.organizations.values_list("pk", flat=True)) == {
        city.orgs["shougai"].pk, city.orgs["city"].pk}
    case_row = SheetDerivation.objects.get(record=record, key="case")
    assert case_row.status == "done" and case_row.kind == "case"
    assert SheetRecord.objects.get(pk=record.pk).case_id == case_row.object_id


def test_the_import_page_says_where_the_mapping_came_from(city, client) -> None:
    me = actor(city.recorder)
    job = imports.import_create(actor=me, code="comprehensive_consultation",
                                upload=SimpleUploadedFile("logo.csv", logo_export(3)))
    client.force_login(city.recorder)
    body = client.get(f"/sheets/import/{job.pk}/").content.decode()
    assert "LoGoフォームの書き出しとして列を対応づけました" in body
