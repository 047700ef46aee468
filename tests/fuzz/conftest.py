"""Hypothesis profiles for the fuzz tests: ``ci`` (default: at most 20 examples a strategy,
derandomized so CI is repeatable) and ``long`` (``./kasane bench fuzz``: KASANE_FUZZ_EXAMPLES
examples, random). Every fuzz test counts its inputs in ``tally`` (written to
KASANE_FUZZ_REPORT when set)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
           HealthCheck.filter_too_much, HealthCheck.large_base_example]
settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_CHECKS, print_blob=True)
settings.register_profile("long", max_examples=int(os.environ.get("KASANE_FUZZ_EXAMPLES", "200")),
                          deadline=None, database=None, suppress_health_check=_CHECKS, print_blob=True)
settings.load_profile(os.environ.get("KASANE_FUZZ_PROFILE", "ci"))

TALLY: Counter[str] = Counter()


@pytest.fixture(scope="session", autouse=True)
def _fuzz_report() -> Iterator[None]:
    yield
    path = os.environ.get("KASANE_FUZZ_REPORT")
    if path:
        with open(f"{path}.{os.getpid()}", "w", encoding="utf-8") as out:
            json.dump(dict(TALLY), out)


@pytest.fixture
def tally() -> Counter[str]:
    return TALLY
