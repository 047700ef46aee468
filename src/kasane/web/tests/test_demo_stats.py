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


@pytest.mark.django_db
def test_the_demo_year_has_problem_categories_and_areas_for_the_dashboards() -> None:
    from kasane.core.metrics import Period
    from kasane.stats import breakdowns

    data = load_demo()
    period = Period.fiscal(FISCAL_YEAR)
    problem = breakdowns.problem_chart(data["city"], period)
    marked, main = (values for _, values in problem.series)
    assert sum(marked) > sum(main) > 100 and max(main) < sum(main) / 2  # spread, ◎ ≤ ○
    labels, counts = breakdowns.cross_counts(data["city"], period)
    by_area = dict(zip(labels, (sum(row) for row in counts), strict=True))
    assert by_area["北部圏域"] > by_area["南部圏域"] > 0 and by_area["未設定"] < by_area["南部圏域"]
