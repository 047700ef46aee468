"""Background files: built by the worker as their creator, downloaded only by them (logged),
refused when the kind no longer allows them, deleted after their keep time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kasane.accounts.models import Membership, Role
from kasane.audit.models import AccessLog, Basis
from kasane.exports import services
from kasane.exports.kinds import ExportKind, register
from kasane.exports.models import ExportJob, ExportStatus

ROWS = 1000


def _build(actor, params, out, progress) -> None:  # noqa: ANN001
    if params.get("fail"):
        raise RuntimeError("boom")
    for i in range(ROWS):
        out.write(f"{params['word']},{i}\n".encode())
        progress(i + 1, ROWS)


register(ExportKind(key="test.rows", allowed=lambda actor: actor.role != Role.AUDITOR,
                    build=_build))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "ENQUEUE_ON_COMMIT": False}}


def _member(user) -> Membership:  # noqa: ANN001
    return Membership.objects.filter(user=user).first()  # type: ignore[return-value]


def _start(actor: Membership, **params: object) -> ExportJob:
    job = services.job_start(actor=actor, kind="test.rows", params={"word": "行", **params},
                             title="試験の出力", filename="試験.csv", content_type="text/csv",
                             basis=Basis.OWN_RECORD, back_url="/sheets/")
    job.refresh_from_db()
    return job


def test_the_worker_builds_the_file_and_its_creator_downloads_it(city, client, tmp_path) -> None:
    job = _start(_member(city.recorder))
    assert job.status == ExportStatus.DONE and (job.done, job.total) == (ROWS, ROWS)
    assert job.file.name.startswith("exports/") and "試験" not in job.file.name  # random name
    assert (tmp_path / job.file.name).stat().st_size == job.size > 0
    client.force_login(city.recorder)
    page = client.get(f"/exports/{job.pk}/")
    assert page.status_code == 200 and f"/exports/{job.pk}/download/" in page.content.decode()
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body.startswith("行,0\n".encode()) and body.count(b"\n") == ROWS
    assert "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    log = AccessLog.objects.get(action="export_download")
    assert (log.basis, log.object_id, log.user_id) == (Basis.OWN_RECORD, str(job.pk), city.recorder.pk)


def test_nobody_else_sees_or_downloads_it_and_the_refusal_is_logged(city, client) -> None:
    job = _start(_member(city.recorder))
    client.force_login(city.partner)
    assert client.get(f"/exports/{job.pk}/").status_code == 404
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    assert client.get(f"/exports/{job.pk}/status/").status_code == 404
    denied = AccessLog.objects.filter(action="export_view", basis=Basis.DENIED, object_id=str(job.pk))
    assert denied.count() == 3
    assert not AccessLog.objects.filter(action="export_download").exists()


def test_a_kind_that_does_not_allow_the_actor_is_refused_at_start_and_at_run(city) -> None:
    with pytest.raises(PermissionDenied):
        _start(_member(city.auditor))
    member = _member(city.recorder)
    job = ExportJob.objects.create(kind="test.rows", params={"word": "x"}, title="t", filename="t.csv",
                                   content_type="text/csv", basis=Basis.OWN_RECORD,
                                   municipality=city.municipality, organization=member.organization,
                                   created_by=city.recorder, membership=member)
    Membership.objects.filter(pk=member.pk).update(is_active=False)  # left the organization
    job = services.job_run(job.pk)
    assert job.status == ExportStatus.FAILED and "権限" in job.message and not job.file


def test_a_failed_build_leaves_no_file_and_says_so(city, client) -> None:
    job = _start(_member(city.recorder), fail=True)
    assert job.status == ExportStatus.FAILED and not job.file
    client.force_login(city.recorder)
    assert "作成できませんでした" in client.get(f"/exports/{job.pk}/status/").content.decode()
    assert client.get(f"/exports/{job.pk}/download/").status_code == 403


def test_a_queued_job_is_polled_until_it_is_ready(city, client, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = _start(_member(city.recorder))
    assert job.status == ExportStatus.QUEUED
    client.force_login(city.recorder)
    status = client.get(f"/exports/{job.pk}/status/").content.decode()
    assert f'hx-get="/exports/{job.pk}/status/"' in status and "待機中" in status
    assert services.job_run(job.pk).status == ExportStatus.DONE
    assert services.job_run(job.pk).status == ExportStatus.DONE  # a second run changes nothing
    assert "をダウンロード" in client.get(f"/exports/{job.pk}/status/").content.decode()


def test_files_past_their_keep_time_are_deleted(city, client, tmp_path) -> None:
    job = _start(_member(city.recorder))
    path = tmp_path / job.file.name
    assert services.jobs_cleanup() == 0 and path.exists()
    later = timezone.now() + dt.timedelta(hours=25)
    assert services.jobs_cleanup(now=later) == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED and not job.file and not path.exists()
    client.force_login(city.recorder)
    assert client.get(f"/exports/{job.pk}/download/").status_code == 403
    assert "保存期間が過ぎた" in client.get(f"/exports/{job.pk}/").content.decode()
