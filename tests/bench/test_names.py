"""The 名寄せ benchmark's names have realistic frequencies (bench/names.py)."""

from __future__ import annotations

import re
from collections import Counter

from bench.names import given_tables, surname_table
from bench.persons import generate
from kasane.core.linkage import PersonRecord

KATAKANA = re.compile(r"^[ァ-ヶー]+$")


def test_surname_shares_follow_published_counts() -> None:
    table, shares = surname_table()
    assert abs(sum(shares) - 1) < 1e-9
    assert table[0] == ("佐藤", "サトウ") and 0.013 <= shares[0] <= 0.016
    assert 0.28 <= sum(shares[:100]) <= 0.36  # the top 100: about a third
    assert sum(shares[:200]) <= 0.45  # a long tail beyond the listed 200
    assert len(table) > 4000 and len(set(table)) == len(table)
    assert all(KATAKANA.match(kana) for _, kana in table)
    assert shares == sorted(shares, reverse=True)


def test_given_names_are_diverse_per_sex_and_era() -> None:
    for sex, eras in given_tables().items():
        for era, (names, shares) in eras.items():
            assert abs(sum(shares) - 1) < 1e-9, (sex, era)
            assert len(names) > 500 and max(shares) <= 0.025, (sex, era)
            readings: dict[str, float] = {}
            for (_, kana), share in zip(names, shares, strict=True):
                readings[kana] = readings.get(kana, 0.0) + share
                assert KATAKANA.match(kana), (sex, era, kana)
            assert max(readings.values()) <= 0.04, (sex, era)
    assert ("博", "ヒロシ") in given_tables()["M"]["old"][0]
    assert ("浩", "ヒロシ") in given_tables()["M"]["old"][0]


def test_generated_persons_rarely_share_name_and_birth_date() -> None:
    data = generate(20_000, seed=7)
    originals: dict[int, PersonRecord] = {}
    for record, person in zip(data.records, data.truth, strict=True):
        originals.setdefault(person, record)
    names = Counter(r.family_name for r in originals.values())
    assert names.most_common(1)[0][1] < 0.02 * len(originals)
    top200 = {kanji for kanji, _ in surname_table()[0][:200]}
    outside = sum(c for name, c in names.items() if name not in top200)
    assert outside > 0.45 * len(originals)
