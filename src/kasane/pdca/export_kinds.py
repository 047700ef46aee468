"""The report as background files (``kasane.exports``): PDF, Excel and CSV.

Registered from ``PdcaConfig.ready()``. Who may have them: every PDCA reader
(``policy.can_read``), checked at start, in the worker and at every download; the worker
reads the cycle of the starter's own municipality (the frozen edition once 公表).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from kasane.accounts.models import Actor
from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.exports.kinds import ExportKind, Params, Progress, register

from . import policy as pdca_policy
from . import selectors

PDF_KIND, XLSX_KIND, CSV_KIND = "pdca.report.pdf", "pdca.report.xlsx", "pdca.report.csv"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
KIND_OF = {"pdf": PDF_KIND, "xlsx": XLSX_KIND, "csv": CSV_KIND}
CSV_HEADER = ["計画", "種別", "番号", "コード", "名称", "区分", "評価", "担当課", "頁", "指標",
              "担当課（Do/Act）", "Do（実行）", "Act（課題及び改善点）", "再掲元"]


def _report(actor: Actor, params: Params) -> dict[str, Any]:
    cycle = selectors.cycle_get(actor, int(str(params["cycle_id"])))
    return selectors.report_for(cycle)


def _log(actor: Actor, fmt: str, cycle_id: object) -> None:
    access_log(user=actor.user, action=f"pdca.export.{fmt}", basis=Basis.NOT_PERSONAL,
               organization_id=actor.organization_id, object_type="pdca.PdcaCycle",
               object_id=cycle_id)


def _build_pdf(actor: Actor, params: Params, out: IO[bytes], progress: Progress) -> None:
    from .pdf import render_pdf

    progress(0, 3)
    report = _report(actor, params)
    progress(1, 3)
    out.write(render_pdf(report))
    progress(3, 3)
    _log(actor, "pdf", params["cycle_id"])


def _build_xlsx(actor: Actor, params: Params, out: IO[bytes], progress: Progress) -> None:
    from .xlsx import render_xlsx

    progress(0, 2)
    report = _report(actor, params)
    progress(1, 2)
    out.write(render_xlsx(report))
    progress(2, 2)
    _log(actor, "xlsx", params["cycle_id"])


def csv_rows(report: dict[str, Any]) -> Iterator[list[str]]:
    """One line per printed row of every 進捗管理シート; a business with several Do/Act pairs
    gives one line per pair (the 担当課 of the pair in its own column)."""
    yield CSV_HEADER
    for plan in report["plans"]:
        labels: dict[int, str] = {}
        for row in plan["rows"]:
            path = [labels[a] for a in row["ancestors"] if a in labels]
            labels[row["node_id"]] = row["label"]
            number = "－".join([*path, row["label"]])
            kind = {"context": "施策", "graded": "評価する施策", "business": "事業"}[row["kind"]]
            base = [plan["short_name"], kind, number, row["code"], row["title"], row["marker"],
                    row.get("grade", "") if row["kind"] == "graded" else ""]
            if row["kind"] != "business":
                yield [*base, "", "", "", "", "", "", ""]
                continue
            extra = [" ".join(row["units"]), " ".join(row["pages"]), row["indicator"]]
            source = f"{row['repost_plan'] or plan['short_name']}" if row["repost_of"] else ""
            pairs = row["pairs"] or [{"unit": "", "do": "", "act": ""}]
            for pair in pairs:
                yield [*base, *extra, pair.get("unit", ""), pair["do"], pair["act"], source]


def _build_csv(actor: Actor, params: Params, out: IO[bytes], progress: Progress) -> None:
    progress(0, 1)
    text = io.StringIO()
    csv.writer(text).writerows(csv_rows(_report(actor, params)))
    out.write(text.getvalue().encode("utf-8-sig"))
    progress(1, 1)
    _log(actor, "csv", params["cycle_id"])


for _kind, _build in ((PDF_KIND, _build_pdf), (XLSX_KIND, _build_xlsx), (CSV_KIND, _build_csv)):
    register(ExportKind(key=_kind, allowed=pdca_policy.can_read, build=_build))
