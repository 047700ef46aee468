"""The CSV export reaches an ASGI server batch by batch: never whole in memory, no warning."""

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
    response.close()
    assert streamed == plain
    assert plain.count(b"\n") == 41 and b"'=1+2" in plain
    assert len(batches) > 3 and max(batches[:-1]) < 1024 + 400  # one batch at a time
    # the export is logged as before: once per export, with the row count
    logs = AccessLog.objects.filter(action="sheet_export", object_id="nine_grid")
    assert [log.detail for log in logs] == ["40件", "40件"]
