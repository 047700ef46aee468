"""The core metric registry: registration, lookup, filters, and reasons instead of 「—」."""

import logging

import pytest

from kasane.core import metrics
from kasane.core.metrics import Metric, MetricUnavailable


def _metric(key: str, fn, unit: str = "件") -> Metric:
    return Metric(key=key, label="テスト", unit=unit, description="", fn=fn)


def test_it_registers_and_refuses_duplicates_and_bad_units() -> None:
    metric = metrics.register(_metric("test.one", lambda m, fy: 1))
    try:
        assert metrics.get("test.one") is metric
        assert metrics.register(metric) is metric  # ready() running twice changes nothing
        with pytest.raises(ValueError):
            metrics.register(_metric("test.one", lambda m, fy: 2))
        with pytest.raises(ValueError):
            metrics.register(_metric("test.two", lambda m, fy: 2, unit="個"))
        with pytest.raises(KeyError, match="登録されていません"):
            metrics.get("nope")
    finally:
        metrics.METRICS.discard("test.one", metric)


def test_it_gives_the_reason_a_figure_cannot_be_computed(caplog) -> None:
    def unavailable(m, fy):
        raise MetricUnavailable("この年度の年次目標がありません。")

    def broken(m, fy):
        return {}["missing"]

    registered = [metrics.register(_metric("test.unavailable", unavailable)),
                  metrics.register(_metric("test.broken", broken))]
    try:
        figure = metrics.evaluate("test.unavailable", municipality=None, fiscal_year=2025)
        assert not figure.ok and figure.value is None
        assert figure.reason == "この年度の年次目標がありません。"
        assert "登録されていません" in metrics.evaluate("nope", municipality=None,
                                                   fiscal_year=2025).reason
        assert "使えない条件" in metrics.evaluate("test.unavailable", municipality=None,
                                               fiscal_year=2025, area="北部").reason
        with caplog.at_level(logging.ERROR, logger="kasane.core.metrics"):
            figure = metrics.evaluate("test.broken", municipality=None, fiscal_year=2025)
        assert "KeyError" in figure.reason and "管理者" in figure.reason
        assert any(r.exc_info for r in caplog.records), "an unexpected error is logged with its traceback"
    finally:
        for metric in registered:
            metrics.METRICS.discard(metric.key, metric)
