"""Long reports as background files (``kasane.exports``): the national report of a 年度 (Excel,
CSV) and the model-project report (.docx, PDF).

Registered from ``StatsConfig.ready()``. Who may have them: the readers of the national report
(``policy.can_read_national``: 事務局, 推進員) — checked when started, in the worker and at every
download. The files hold figures and the report's texts only (no personal data), the same a
reader sees on the screen; the worker reads the starter's own municipality, and a 確定 /
提出済み report prints its frozen values, as the direct download does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from kasane.accounts.models import Actor
from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.exports.kinds import ExportKind, Params, Progress, register

from . import model_report, national, national_export, submission
from . import policy as stats_policy

NATIONAL_KIND = {"xlsx": "stats.national.xlsx", "csv": "stats.national.csv"}
MODEL_REPORT_KIND = {"docx": "stats.model_report.docx", "pdf": "stats.model_report.pdf"}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _year(params: Params) -> int:
    return int(str(params["fiscal_year"]))


def _log(actor: Actor, action: str, fy: int, fmt: str) -> None:
    access_log(user=actor.user, action=action, basis=Basis.NOT_PERSONAL,
               organization_id=actor.organization_id, object_type="stats.national",
               object_id=f"{actor.organization.municipality_id}:{fy}", detail=fmt)


def national_file(municipality: object, fy: int, fmt: str,
                  progress: Progress | None = None) -> bytes:
    """The national report file as the office submits it: the frozen values once 確定, else
    the live ones (the direct download and the background job both call this)."""
    edition = submission.edition_of(municipality, fy)
    live = None if edition.is_frozen else national.national_report(municipality, fy, progress)
    figures, note = submission.printed_figures(municipality, fy, live)
    make = national_export.to_csv if fmt == "csv" else national_export.to_xlsx
    return make(municipality, fy, figures, status_note=note)


Build = Callable[[Actor, Params, IO[bytes], Progress], None]


def _build_national(fmt: str) -> Build:
    def build(actor: Actor, params: Params, out: IO[bytes], progress: Progress) -> None:
        fy = _year(params)
        out.write(national_file(actor.organization.municipality, fy, fmt, progress))
        cells = len(national.template_for(fy))
        progress(cells, cells)
        _log(actor, "stats.national.export", fy, fmt)
    return build


def _build_model_report(fmt: str) -> Build:
    def build(actor: Actor, params: Params, out: IO[bytes], progress: Progress) -> None:
        fy = _year(params)
        muni = actor.organization.municipality
        progress(0, 2)
        body = model_report.to_docx(muni, fy) if fmt == "docx" else model_report.to_pdf(muni, fy)
        progress(1, 2)
        out.write(body)
        progress(2, 2)
        _log(actor, "stats.model_report.export", fy, fmt)
    return build


for _fmt, _key in NATIONAL_KIND.items():
    register(ExportKind(key=_key, allowed=stats_policy.can_read_national,
                        build=_build_national(_fmt)))
for _fmt, _key in MODEL_REPORT_KIND.items():
    register(ExportKind(key=_key, allowed=stats_policy.can_read_national,
                        build=_build_model_report(_fmt)))
