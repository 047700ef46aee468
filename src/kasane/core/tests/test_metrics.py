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


@pytest.mark.django_db
def test_evaluate_many_uses_a_family_batch_and_falls_back_to_each_metric_alone() -> None:
    calls: list[list[tuple[str, dict]]] = []

    def alone(m, period, n=1):
        return int(n) * 10

    def batch(m, period, requests):
        calls.append(list(requests))
        if any(f.get("n") == "x" for _k, f in requests):
            raise ValueError("n は数字で指定してください。")
        return [int(f.get("n", 1)) * 10 for _k, f in requests]

    made = [metrics.register(Metric(key=k, label="テスト", unit="件", description="", fn=alone,
                                    period_fn=alone, filters=("n",))) for k in ("test.a", "test.b")]
    metrics.register_batch("test.a", "test.b")(batch)
    year = metrics.Period.fiscal(2025)
    try:
        got = metrics.evaluate_many([("test.a", {"n": "2"}), ("nope", {}), ("test.b", {}),
                                     ("test.a", {"area": "北部"})], municipality=None, period=year)
        assert [f.value for f in got] == [20, None, 10, None]
        assert len(calls) == 1 and len(calls[0]) == 2, "one pass for the two accepted requests"
        assert "登録されていません" in got[1].reason and "使えない条件" in got[3].reason
        # a batch that refuses: every figure computed alone, each with its own value or reason
        got = metrics.evaluate_many([("test.a", {"n": "3"}), ("test.b", {"n": "x"})],
                                    municipality=None, period=year)
        assert got[0].value == 30 and not got[1].ok and "ValueError" not in got[1].reason
        # a lone figure of a family is computed alone (no batch call)
        calls.clear()
        assert metrics.evaluate_many([("test.b", {"n": "4"})], municipality=None,
                                     period=year)[0].value == 40
        assert calls == []
    finally:
        for metric in made:
            metrics.METRICS.discard(metric.key, metric)
            metrics.BATCHES.discard(metric.key, batch)
