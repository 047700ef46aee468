"""The 「関わりのプロセス」 panel stats adds to the case page (``core.panels``, page
``cases.case``): the case's process evaluation (stats/process.py). Shown to case roles only;
the page has already checked that the viewer may see the case."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from kasane.accounts.http import membership_of
from kasane.core.panels import PANELS

from .process import case_process
from .svg import bar_chart


def case_process_panel(request: Any, case: Any) -> str:
    actor = membership_of(request)
    if actor is None or not actor.handles_cases:
        return ""
    process = case_process(case)
    chart = bar_chart(process.months, [("会えた・話せた", process.reached),
                                       ("会えなかった", process.missed)],
                      title="支援記録の推移（月別）", unit="回") if process.months else ""
    return render_to_string("stats/_case_process.html", {"p": process, "chart": chart},
                            request=request)


PANELS.add("cases.case", case_process_panel)
