"""The demo city has a full 令和7年度 for the statistics (stats/demo.py), loaded once."""

import pytest

from kasane.cases.models import Case
from kasane.stats import national
from kasane.stats.demo import FISCAL_YEAR, SUMMARY
from kasane.web.demo import load_demo


@pytest.mark.django_db
def test_the_demo_year_is_full_and_loaded_once() -> None:
    data = load_demo()
    count = Case.objects.filter(summary=SUMMARY).count()
    load_demo()
    assert Case.objects.filter(summary=SUMMARY).count() == count == 240
    figures = {f["code"]: f["value"] for f in national.national_report(data["city"], FISCAL_YEAR)}
    for code in ("P0-1", "P0-2", "P1-1", "P1-2", "P1-3", "P2-1-new", "P2-2-created", "P2-3-held",
                 "P2-4-held", "P2-5-closed", "P3-1", "P3-2-reached", "P3-2-not-reached"):
        assert figures[code] > 0, code
