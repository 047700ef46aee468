"""The honest Splink baseline (bench/_splink_settings.py): its input carries Kasane's keys
and blocking keys, its settings hold one comparison per concept with the household-aware
given-name levels, and it runs end to end on a small register."""

from __future__ import annotations

import pytest

from bench import _splink_settings as settings_module
from bench import match as bench_match
from bench.persons import generate
from kasane.core import linkage

splink = pytest.importorskip("splink")


def test_the_input_carries_kasanes_blocking_keys_without_oversized_blocks() -> None:
    data = generate(300, seed=3)
    table = bench_match.splink_table(data).to_pydict()
    assert set(settings_module.BLOCK_COLUMNS) <= set(table)
    first = linkage._keys_of(linkage.features(data.records[0]))
    assert [table[c][0] for c in settings_module.BLOCK_COLUMNS] == [k or None for k in first]
    for column in settings_module.BLOCK_COLUMNS:
        values = [v for v in table[column] if v is not None]
        assert all(values.count(v) <= linkage.MAX_BLOCK for v in set(values))
    listed = [i for i, hh in enumerate(table["household"]) if hh]
    assert listed and all(isinstance(table["self_keys"][i], list) for i in listed)


def test_the_settings_are_household_aware_and_block_like_kasane() -> None:
    created = settings_module.settings().get_settings("duckdb").as_dict()
    names = [c["output_column_name"] for c in created["comparisons"]]
    assert names == ["family", "given", "birth_date", "phone", "address"]
    given = created["comparisons"][1]["comparison_levels"]
    household = [lvl for lvl in given if "household" in lvl.get("label_for_charts", "")
                 or "same home" in lvl.get("label_for_charts", "")]
    assert len(household) == 2 and all(lvl["fix_m_probability"] for lvl in household)
    rules = [r["blocking_rule"] for r in created["blocking_rules_to_generate_predictions"]]
    assert len(rules) == len(settings_module.BLOCK_COLUMNS)
    assert all(f'"{c}"' in rule or c in rule for c, rule in zip(
        settings_module.BLOCK_COLUMNS, rules, strict=True))


def test_it_runs_end_to_end_on_a_small_register() -> None:
    data = generate(2000, seed=1)
    seconds, prep, predicted = bench_match.run_splink(data)
    quality = bench_match.quality(predicted, data.true_pairs())
    assert seconds > 0 and prep > 0 and quality["f1"] > 0.8
