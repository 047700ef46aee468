"""PDF / Excel / CSV of the report as background files (issue 20 #8: no more 9–15 s wait)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from kasane.exports.models import ExportJob, ExportStatus


@pytest.fixture(autouse=True)
def _immediate_worker(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "ENQUEUE_ON_COMMIT": False}}


def _start(client, pdca, fmt):
    response = client.post(reverse("pdca:report_export", args=[pdca.cycle.pk]), {"format": fmt})
    job = ExportJob.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    return job


@pytest.mark.django_db
@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("xlsx", b"PK")])
def test_the_report_is_built_in_the_background_and_downloaded(pdca, city, client, fmt,
                                                              magic) -> None:
    client.force_login(city.secretariat)
    job = _start(client, pdca, fmt)
    assert job.status == ExportStatus.DONE and job.done == job.total > 0
    assert job.filename.startswith("進捗管理報告書_令和6年度_案")
    body = b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content)
    assert body.startswith(magic)


@pytest.mark.django_db
def test_the_csv_has_one_line_per_printed_row_and_pair(pdca, city, client) -> None:
    client.force_login(pdca.tantou)
    job = _start(client, pdca, "csv")
    body = b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["計画", "種別", "番号"]
    college = next(r for r in rows if r[3] == "1-1-1-a")
    assert college[2] == "1－(1)－①－a" and college[11] == "4回開催した。"
    graded = next(r for r in rows if r[3] == "1-1-1")
    assert (graded[1], graded[6]) == ("評価する施策", "C")


@pytest.mark.django_db
def test_readers_only(pdca, city, client) -> None:
    client.force_login(city.auditor)
    response = client.post(reverse("pdca:report_export", args=[pdca.cycle.pk]), {"format": "pdf"})
    assert response.status_code == 403 and not ExportJob.objects.exists()
    client.force_login(city.secretariat)
    response = client.post(reverse("pdca:report_export", args=[pdca.cycle.pk]), {"format": "doc"})
    assert response.status_code == 404
