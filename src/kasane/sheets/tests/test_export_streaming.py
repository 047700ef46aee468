"""Exports: CSV reaches an ASGI server batch by batch (never whole in memory, no warning);
Excel is made in the background (kasane.exports) and downloaded when ready."""

from __future__ import annotations

import warnings

from asgiref.sync import async_to_sync

from kasane.audit.models import AccessLog
from kasane.core import streaming
from kasane.sheets import services

from .factories import actor


def test_the_csv_export_streams_under_asgi_exactly_as_under_wsgi(city, client, monkeypatch) -> None:
    me = actor(city.recorder)
    for i in range(40):
        services.record_create(actor=me, code="nine_grid", submit=True,
                               answers={"center": f"課題{i}", "cell_1": "=1+2"})
    client.force_login(city.recorder)
    plain = b"".join(client.get("/sheets/export/nine_grid/?format=csv").streaming_content)

    batches: list[int] = []
    real = streaming._next_batch

    def counting(iterator, limit):  # noqa: ANN001, ANN202
        batch = real(iterator, limit)
        batches.append(sum(map(len, batch)))
        return batch

    monkeypatch.setattr(streaming, "_next_batch", counting)
    monkeypatch.setattr(streaming, "BATCH_BYTES", 1024)
    response = client.get("/sheets/export/nine_grid/?format=csv")

    async def consume() -> bytes:
        return b"".join([part async for part in response])  # what Django's ASGI handler does

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        streamed = async_to_sync(consume)()
    assert streamed == plain
    assert plain.count(b"\n") == 41 and b"'=1+2" in plain
    assert len(batches) > 3 and max(batches[:-1]) < 1024 + 400  # one batch at a time
    # the export is logged as before: once per export, with the row count
    logs = AccessLog.objects.filter(action="sheet_export", object_id="nine_grid")
    assert [log.detail for log in logs] == ["40件", "40件"]


def test_excel_is_made_in_the_background_and_downloaded_when_ready(city, client, settings,
                                                                    tmp_path) -> None:
    import io

    from openpyxl import load_workbook

    from kasane.exports.models import ExportJob, ExportStatus

    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "ENQUEUE_ON_COMMIT": False}}
    me = actor(city.recorder)
    for i in range(3):
        services.record_create(actor=me, code="nine_grid", submit=True,
                               answers={"center": f"課題{i}", "cell_1": "=1+2"})
    client.force_login(city.recorder)
    page = client.get("/sheets/export/nine_grid/?format=xlsx")  # an old link: the page, no job
    assert page.status_code == 200 and not ExportJob.objects.exists()
    assert 'method="post"' in page.content.decode()

    response = client.post("/sheets/export/nine_grid/", {"format": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert job.status == ExportStatus.DONE and (job.done, job.total) == (3, 3)
    assert job.params == {"code": "nine_grid"}  # ids and options only
    logs = AccessLog.objects.filter(action="sheet_export", object_id="nine_grid")
    assert [log.detail for log in logs] == ["3件"]  # logged as before, when it was made
    download = client.get(f"/exports/{job.pk}/download/")
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    values = [c.value for row in book.active.iter_rows(min_row=2) for c in row]
    assert "課題2" in values and "'=1+2" in values
    assert "nine_grid.xlsx" in download["Content-Disposition"]
    assert "/exports/" in client.get("/sheets/export/nine_grid/").content.decode()  # listed

    client.force_login(city.admin)  # no export role: neither the form nor the job
    assert client.post("/sheets/export/nine_grid/", {"format": "xlsx"}).status_code == 403
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
