"""The long reports as background files (kasane.exports): the request answers at once with the
progress page, the worker builds the file as its starter, the file holds the same figures as
the direct download, and only national-report readers may have one."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from kasane.accounts.models import Membership, Role, User
from kasane.audit.models import AccessLog
from kasane.exports.models import ExportJob, ExportStatus

from . import world

pytestmark = pytest.mark.django_db
FY = world.FY


@pytest.fixture(autouse=True)
def _worker(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "ENQUEUE_ON_COMMIT": False}}


def _rows(body: bytes) -> dict[str, object]:
    book = load_workbook(io.BytesIO(body))
    return {r[1]: r[4] for r in book["国への報告"].iter_rows(min_row=4, values_only=True)}


def test_the_national_excel_job_gives_the_same_figures_as_the_direct_file(city, client):
    world.build(city)
    client.force_login(city.coordinator)
    response = client.post(f"/stats/national/export/?fiscal_year={FY}", {"format": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert job.status == ExportStatus.DONE and job.kind == "stats.national.xlsx"
    assert job.total == job.done == len([r for r in _rows(
        client.get(f"/stats/national/?fiscal_year={FY}&format=xlsx").content)])
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert f"/exports/{job.pk}/download/" in page
    background = _rows(b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content))
    direct = _rows(client.get(f"/stats/national/?fiscal_year={FY}&format=xlsx").content)
    assert background == direct and {k: background[k] for k in world.EXPECTED} == world.EXPECTED
    assert AccessLog.objects.filter(action="stats.national.export", user=city.coordinator).exists()
    client.force_login(city.secretariat)  # another reader does not get the coordinator's file
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404


def test_the_model_report_docx_job(city, client):
    client.force_login(city.secretariat)
    client.post(f"/stats/model-report/?fiscal_year={FY}", {"1-2": "山と川のまち"})
    response = client.post(f"/stats/model-report/export/?fiscal_year={FY}", {"format": "docx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == ExportStatus.DONE
    body = b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content)
    text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    assert "山と川のまち" in text and "モデル事業実施報告" in text


def test_only_national_readers_start_a_report_file(city, client):
    committee = User.objects.create_user(username="iin", password="x-correct-horse",
                                         municipality=city.municipality)
    Membership.objects.create(user=committee, organization=city.orgs["city"], role=Role.COMMITTEE)
    for user in (committee, city.recorder, city.auditor, city.admin):
        client.force_login(user)
        assert client.post(f"/stats/national/export/?fiscal_year={FY}",
                           {"format": "xlsx"}).status_code == 403
        assert client.post(f"/stats/model-report/export/?fiscal_year={FY}",
                           {"format": "pdf"}).status_code == 403
    assert not ExportJob.objects.exists()
    client.force_login(city.secretariat)
    bad = client.post(f"/stats/national/export/?fiscal_year={FY}", {"format": "docx"},
                      follow=True).content.decode()
    assert "形式は Excel か CSV を選んでください。" in bad and not ExportJob.objects.exists()


def test_a_submitted_reports_job_prints_the_frozen_values(city, client):
    from kasane.cases.models import Contact
    from kasane.stats import submission

    w = world.build(city)
    secretariat = Membership.objects.get(user=city.secretariat)
    for step in ("org_confirm", "final", "submitted"):
        if step == "final":
            submission.confirmation_save(actor=Membership.objects.get(user=city.coordinator),
                                         fiscal_year=FY, organization=city.orgs["city"])
        submission.edition_transition(actor=secretariat, fiscal_year=FY, to_status=step)
    Contact.objects.create(case=w.cases["C1"], at=world.at(2024, 8, 1), method="visit",
                           reached=True, summary="後から", tags=["comprehensive"],
                           author=city.coordinator, organization=city.orgs["city"])
    client.force_login(city.secretariat)
    client.post(f"/stats/national/export/?fiscal_year={FY}", {"format": "csv"})
    job = ExportJob.objects.get()
    text = b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content).decode("utf-8-sig")
    assert "P1-1,相談受付件数（延べ）,回,3," in text and "提出済みの値" in text
