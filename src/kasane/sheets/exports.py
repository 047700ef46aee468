"""Export of the records a user may see: CSV (UTF-8 with BOM, or cp932) and Excel.

Rows are read in batches of ``BATCH`` records; every cell is neutralized against formula injection
(codec.neutralize); sensitive (機微) answers of another organization are masked; the export is
logged. CSV streams to the browser as it is read (``core.streaming``, constant memory also
under ASGI). Excel needs the whole workbook before the first byte can leave, so it is made by
the db_worker as a background file (``kasane.exports``, kind ``sheets.records.xlsx``) that the
user downloads when it is ready.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import IO, Any

from kasane.accounts.models import Membership
from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.exports.kinds import ExportKind, Params, Progress, register

from . import codec, masking, selectors
from . import policy as sheet_policy
from .models import RecordStatus, SheetDefinition

ENCODINGS = {"utf-8-sig": "UTF-8（BOM付き）", "cp932": "Shift_JIS（cp932）"}
BATCH = 500
XLSX_KIND = "sheets.records.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_records(*, actor: Membership, code: str) -> tuple[SheetDefinition, Any]:
    """(definition in force, queryset) of submitted records ``actor`` may see on ``code``."""
    definition = selectors.definition_current(municipality_id=actor.organization.municipality_id,
                                              code=code)
    qs = (sheet_policy.visible_records(actor).filter(definition__code=code,
                                                    status=RecordStatus.SUBMITTED)
          .select_related("definition").order_by("pk"))
    access_log(user=actor.user, action="sheet_export", organization_id=actor.organization_id,
               basis=export_basis(definition), object_type="sheet_definition", object_id=code,
               detail=f"{qs.count()}件")
    return definition, qs


def export_basis(definition: SheetDefinition) -> str:
    return Basis.OWN_RECORD if definition.has_personal_data else Basis.NOT_PERSONAL


def _rows(actor: Membership, definition: SheetDefinition, qs: Any) -> Iterator[list[str]]:
    """Header + one row a record. Columns = the version in force plus any older-version keys."""
    cols = codec.columns(definition.schema)
    known = {c.path for c in cols}
    older = SheetDefinition.objects.filter(pk__in=qs.values("definition_id")).exclude(pk=definition.pk)
    for d in older:
        for c in codec.columns(d.schema, system=False):
            if c.path not in known:
                cols.append(c)
                known.add(c.path)
    yield [c.header for c in cols]
    labels = selectors.ref_labels(municipality_id=actor.organization.municipality_id)
    # Keyset batches, each its own query (no server-side cursor): nothing ties the iterator to
    # one thread or connection between batches, so under ASGI the CSV is read on the event
    # loop's thread pool while the request holds no thread (core.streaming, any_thread).
    last = 0
    while batch := list(qs.filter(pk__gt=last)[:BATCH]):
        # another organization's records (shared on a legal basis): one row each, with its
        # basis, so the export shows in the person's disclosure report (own records: the
        # aggregate row of export_records)
        others = [r for r in batch if r.organization_id != actor.organization_id]
        if others:
            sheet_policy.log_records_listed(actor=actor, records=others, action="sheet_export")
        yield from _masked_rows(actor, batch, cols, labels)
        last = batch[-1].pk


def _masked_rows(actor: Membership, records: list[Any], cols: list[codec.Column],
                 labels: dict[str, dict[int, str]]) -> Iterator[list[str]]:
    restricted = masking.restricted_record_ids(actor, records)
    for record in records:
        masks = masking.masks_for(actor, record, restricted=record.pk in restricted)
        yield codec.record_row(record, cols, labels=labels, masked=masks)


def csv_stream(*, actor: Membership, definition: SheetDefinition, qs: Any,
               encoding: str) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    first = True
    for row in _rows(actor, definition, qs):
        line = writer.writerow(row)
        data = line.encode(encoding, errors="replace" if encoding == "cp932" else "strict")
        if first and encoding == "utf-8-sig":
            first = False
        elif encoding == "utf-8-sig":
            data = line.encode("utf-8")
        yield data


def xlsx_write(*, actor: Membership, definition: SheetDefinition, qs: Any, out: IO[bytes],
               progress: Callable[[int], None] | None = None) -> None:
    """The workbook into ``out`` (write-only mode: rows go to a temporary file, not memory)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=definition.code[:31])
    for n, row in enumerate(_rows(actor, definition, qs)):
        sheet.append(row)
        if progress is not None and n and n % 200 == 0:
            progress(n)
    book.save(out)


def xlsx_bytes(*, actor: Membership, definition: SheetDefinition, qs: Any) -> bytes:
    out = io.BytesIO()
    xlsx_write(actor=actor, definition=definition, qs=qs, out=out)
    return out.getvalue()


def _build_xlsx(actor: Membership, params: Params, out: IO[bytes], progress: Progress) -> None:
    """The background Excel file (in the db_worker): the same records, masks and log as the
    screen's export, at the time it is built."""
    definition, qs = export_records(actor=actor, code=str(params["code"]))
    total = qs.count()
    progress(0, total)
    xlsx_write(actor=actor, definition=definition, qs=qs, out=out,
               progress=lambda done: progress(done, total))
    progress(total, total)


register(ExportKind(key=XLSX_KIND, allowed=sheet_policy.can_exchange, build=_build_xlsx))
