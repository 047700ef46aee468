"""The 名寄せ engine on generated registers (bench/persons.py) and the match benchmark at
small scale: quality, determinism, fast path, one vs two processes. No database."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from datetime import date

import numpy as np
import pytest

from bench import match as bench_match
from bench.persons import generate
from kasane.core import linkage, linkage_address
from kasane.core.linkage import (
    THRESHOLD,
    PersonRecord,
    block_keys,
    candidate_pairs,
    name_frequencies,
    score_pair,
)


def person(rid: object, **kw: object) -> PersonRecord:
    base: dict[str, object] = dict(
        family_name="高橋", given_name="博", family_kana="タカハシ", given_kana="ヒロシ",
        birth_date=date(1950, 4, 3), phone="042-555-1234", address="重ね市本町3丁目4番5号")
    base.update(kw)
    return PersonRecord(rid, **base)  # type: ignore[arg-type]


def test_it_generates_the_same_data_for_the_same_seed() -> None:
    one, two = generate(300, seed=5), generate(300, seed=5)
    assert one.records == two.records and one.truth == two.truth
    assert generate(300, seed=6).records != one.records


def test_it_generates_a_consistent_truth() -> None:
    data = generate(2000, seed=3)
    assert [r.id for r in data.records] == list(range(len(data.records)))
    assert set(data.truth) == set(range(2000))  # every person has at least one record
    sizes: dict[int, int] = {}
    for person_id in data.truth:
        sizes[person_id] = sizes.get(person_id, 0) + 1
    duplicated = sum(1 for s in sizes.values() if s > 1)
    assert 0.08 * 2000 < duplicated < 0.16 * 2000
    assert max(sizes.values()) <= 3
    # records of one person agree on the birth year (or lack it, or were mistyped by ±1)
    for a, b in data.true_pairs():
        ba, bb = data.records[a].birth_date, data.records[b].birth_date
        if ba and bb:
            assert abs(ba.year - bb.year) <= 2


def test_it_reaches_f1_095_on_2000_generated_persons() -> None:
    data = generate(2000, seed=11)
    pairs = candidate_pairs(data.records)
    found = {(min(p.a, p.b), max(p.a, p.b)) for p in pairs}  # type: ignore[type-var]
    q = bench_match.quality(found, data.true_pairs())
    assert q["f1"] >= 0.95, q


def test_it_scores_the_batch_hot_path_like_score_pair() -> None:
    data = generate(1500, seed=2)
    tf = name_frequencies(data.records)
    feats = [linkage.features(r) for r in data.records]
    checked = 0
    for pair in candidate_pairs(data.records, threshold=-100.0)[:3000]:
        fa, fb = feats[pair.a], feats[pair.b]  # type: ignore[index]
        assert linkage._score(fa, fb, tf) == pytest.approx(pair.score, abs=0.01)
        assert linkage._score(fa, fb) == pytest.approx(
            score_pair(data.records[pair.a], data.records[pair.b]).score, abs=0.01)  # type: ignore[index]
        checked += 1
    assert checked > 500


@pytest.mark.parametrize("engine", ["arrays", "python"])
def test_it_gives_the_same_pairs_on_two_processes(monkeypatch: pytest.MonkeyPatch,
                                                  engine: str) -> None:
    from kasane.core import linkage_batch

    monkeypatch.setattr(linkage_batch, "PARALLEL_MIN_RECORDS", 100)
    data = generate(3000, seed=4)

    def run(workers: int) -> list[tuple[object, object, float]]:
        pairs = linkage_batch.run(data.records, threshold=THRESHOLD, workers=workers,
                                  max_block=linkage.MAX_BLOCK, frequencies=None, engine=engine)
        return [(p.a, p.b, p.score) for p in pairs]

    one = run(1)
    assert one == run(2) and len(one) > 300


def _engines(records: list[PersonRecord], **kw: object) -> tuple[list[tuple], list[tuple]]:
    from kasane.core import linkage_batch

    args: dict[str, object] = dict(threshold=THRESHOLD, workers=1,
                                   max_block=linkage.MAX_BLOCK, frequencies=None)
    args.update(kw)
    out = []
    for engine in ("python", "arrays"):
        pairs = linkage_batch.run(records, engine=engine, **args)  # type: ignore[arg-type]
        out.append([(p.a, p.b, p.score, p.comparisons) for p in pairs])
    return out[0], out[1]


@pytest.mark.parametrize("seed", [1, 13])
def test_it_finds_the_same_pairs_in_arrays_as_the_pure_python_reference(seed: int) -> None:
    """Same pairs, scores, explanations and order as the pure-Python path: at the threshold,
    and with a threshold so low that every compared pair comes out (every level, every
    key kind, Jaro–Winkler and the household comparison)."""
    data = generate(4000, seed=seed)
    reference, arrays = _engines(data.records)
    assert arrays == reference and len(reference) > 400
    reference, arrays = _engines(data.records, threshold=-1000.0)
    assert arrays == reference
    levels = {c.level for pair in reference for c in pair[3]}
    assert {"family.kana_similar", "given.differ", "birth.swap", "household.listed",
            "household.overlap", "address.same_lot", "phone.differ"} <= levels


def test_it_finds_the_same_pairs_in_arrays_with_term_frequencies_and_big_blocks() -> None:
    data = generate(1500, seed=14)
    tf = name_frequencies(data.records[:700])  # counts of another register: not the batch's
    reference, arrays = _engines(data.records, frequencies=tf, max_block=5)
    assert arrays == reference and reference


def test_it_keys_names_that_split_differently_as_the_key_strings_do() -> None:
    """kn/km keys join family and given kana: タカ+ハシヒロシ and タカハシ+ヒロシ share them."""
    records = [person(1, family_kana="タカ", given_kana="ハシヒロシ", family_name="",
                      given_name="", phone="", address=""),
               person(2, family_name="", given_name="", phone="", address=""),
               person(3, family_name="", given_name="", phone="", address="",
                      birth_date=date(1951, 4, 3)),
               person(4, birth_date=None, given_name="", given_kana="")]
    reference, arrays = _engines(records, threshold=-1000.0)
    assert arrays == reference
    assert {(a, b) for a, b, _, _ in arrays} >= {(1, 2), (2, 3)}


def test_it_runs_the_arrays_engine_on_empty_and_tiny_batches() -> None:
    assert _engines([]) == ([], [])
    assert _engines([person(1)]) == ([], [])
    reference, arrays = _engines([person(1), person(2)])
    assert arrays == reference and [(a, b) for a, b, _, _ in arrays] == [(1, 2)]


def test_it_derives_feature_columns_like_features() -> None:
    from kasane.core import linkage_batch

    data = generate(1500, seed=15)
    records = [*data.records, person(9_999, phone="12-34", birth_date=None, household=(
        "和子", "タロウ")), person(10_000, family_name="", given_name="", address="")]
    columns = linkage_batch.feature_columns(records)
    assert list(zip(*columns, strict=True)) == [linkage.features(r) for r in records]


def test_it_runs_the_match_benchmark_and_prints_json_lines() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        rc = bench_match.main(["--scale", "300", "--json", "--no-splink", "--workers", "1"])
    assert rc == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [x["metric"] for x in lines] == ["f1", "precision", "recall", "seconds"]
    for x in lines:
        assert x["bench"] == "match" and x["scale"] == 300
        assert x["baseline"] is None and x["ratio"] is None
        assert set(x) == {"bench", "metric", "value", "unit", "baseline", "ratio", "scale",
                          "workers", "cpu_s", "load_avg", "load_avg_splink", "splink_prep_s"}
        assert x["load_avg"] >= 0 and x["cpu_s"] > 0
        assert x["splink_prep_s"] is None  # no Splink run, no preparation
    assert 0.9 <= lines[0]["value"] <= 1.0


def test_it_derives_address_parts_from_the_shape_like_the_plain_rules() -> None:
    data = generate(1500, seed=8)
    addresses = [r.address for r in data.records] + [
        "東京都重ね市本町3丁目4番5号", "重ね市本町３－４－５ コーポ101", "本町三丁目4番地5",
        "四日市1-2-3", "八幡町12番地の3", "千歳2丁目3-4 メゾン 1205号室", "大阪府大阪市北区1-2",
        "本町3丁目4番", "番地なし", "1-2-3", "本町 3 4 5", "本町3丁目4番5号101号室", "%s0-1",
        "本町十二番地3", "重ね市緑が丘0-0-0", "中央2-10-100", "中央2ー10ー100"]
    for address in addresses:
        assert linkage_address.address_parts.__wrapped__(address) == \
            linkage_address.address_parts_plain(address), address


def test_it_scores_pairs_on_the_fast_path_like_the_reference_above_the_cutoff() -> None:
    from kasane.core.linkage_score import TermWeights, score_fast

    data = generate(1500, seed=9)
    tf = name_frequencies(data.records)
    weights = TermWeights.of(tf)
    feats = [linkage.features(r) for r in data.records]
    by_key: dict[str, list[int]] = {}
    for i, f in enumerate(feats):
        for k in linkage._keys_of(f):
            if k:
                by_key.setdefault(k, []).append(i)
    pairs = {(m[x], m[y]) for m in by_key.values() if len(m) < 50
             for x in range(len(m)) for y in range(x + 1, len(m))}
    assert len(pairs) > 1000
    above = 0
    for i, j in pairs:
        reference = linkage._score(feats[i], feats[j], tf)
        for cutoff in (-1e9, THRESHOLD, 25.0):
            fast = score_fast(feats[i], feats[j], weights, cutoff)
            if reference >= cutoff:
                assert fast == pytest.approx(reference), (i, j, cutoff)
            else:
                assert fast < cutoff, (i, j, cutoff)
        above += reference >= THRESHOLD
    assert above > 100
    assert score_fast(feats[0], feats[1], TermWeights.of(None), -1e9) == \
        pytest.approx(linkage._score(feats[0], feats[1]))


def test_it_counts_name_keys_in_the_batch_like_name_frequencies() -> None:
    from kasane.core import linkage_batch

    data = generate(500, seed=10)
    _, _, counts = linkage_batch._prepare(data.records)
    assert counts == name_frequencies(data.records).counts


def test_it_skips_oversized_blocks_alike_on_one_and_two_processes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A placeholder phone shared by many records forms no block, on either path, and a
    pair sharing it still meets in a later key kind (its address)."""
    from kasane.core import linkage_batch

    monkeypatch.setattr(linkage_batch, "PARALLEL_MIN_RECORDS", 100)
    data = generate(1200, seed=12)
    records = [r if r.id % 3 else PersonRecord(
        r.id, r.family_name, r.given_name, r.family_kana, r.given_kana, r.birth_date,
        "000-0000-0000", r.address, r.household) for r in data.records]
    twin = person(10_000, phone="000-0000-0000", address="重ね市旭町9-9-9", birth_date=None)
    records += [twin, person(10_001, phone="000-0000-0000", address="重ね市旭町9-9-9",
                             birth_date=None)]
    one = candidate_pairs(records, workers=1, max_block=60)
    two = candidate_pairs(records, workers=2, max_block=60)
    assert [(p.a, p.b, p.score) for p in one] == [(p.a, p.b, p.score) for p in two]
    phones = {p.comparisons[3].level for p in one}
    assert "phone.exact" in phones  # pairs sharing the placeholder were still compared …
    assert (10_000, 10_001) in {(p.a, p.b) for p in one}  # … in the address block
    assert sum(1 for r in records if r.phone == "000-0000-0000") > 60
    assert "ph:00000000000" in block_keys(twin)


def test_it_codes_a_batch_in_chunks_like_in_one_piece() -> None:
    """Chunks coded apart (as forked workers do) and merged give the same features, the
    empty value code 0 in every table, and the batch's name-key counts."""
    from kasane.core import linkage_batch, linkage_codes

    data = generate(1500, seed=16)
    records = [*data.records, person(9_999, household=("和子", "タロウ")),
               person(10_000, family_name="", given_name="", address="", phone="")]
    columns = linkage_batch.feature_columns(records)
    whole = linkage_codes.code(columns)
    merged = linkage_codes.merge([
        linkage_codes.code(linkage_batch.feature_columns(records[lo:hi]), np.int32)
        for lo, hi in linkage_batch._chunks(len(records), 3)])
    expected = dict(enumerate(zip(*columns, strict=True)))
    assert whole.rows(range(len(records))) == expected
    assert merged.rows(range(len(records))) == expected
    assert merged.rows([5, 3, 5]) == {3: expected[3], 5: expected[5]}
    famk, givk = columns[linkage.F_FAMK], columns[linkage.F_GIVK]
    for coded in (whole, merged):
        assert all(table[0] == "" for table in coded.tables.values())
        full = coded.tables["full"]
        assert [full[k] for k in coded.codes["kana_full"].tolist()] == [
            a + b for a, b in zip(famk, givk, strict=True)]
        assert coded.name_counts() == linkage_batch._name_counts(columns)


def test_it_pickles_codes_with_joined_tables_and_back() -> None:
    """Workers send their codes pickled, each table as one joined string; a table whose
    values hold the separator stays a list."""
    import pickle

    from kasane.core import linkage_batch, linkage_codes

    data = generate(300, seed=18)
    coded = linkage_codes.code(linkage_batch.feature_columns(data.records), np.int32)
    coded.tables["phone"].append("a\x1fb")
    back = pickle.loads(pickle.dumps(coded))
    assert back.tables == coded.tables and back.tables["phone"][-1] == "a\x1fb"
    assert back.rows(range(len(data.records))) == coded.rows(range(len(data.records)))
    assert isinstance(coded.__getstate__()["tables"]["names"], str)
    assert isinstance(coded.__getstate__()["tables"]["phone"], list)


def test_it_codes_exactly_when_different_strings_share_a_hash(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from kasane.core import linkage_batch, linkage_codes

    data = generate(400, seed=17)
    columns = linkage_batch.feature_columns(data.records)
    expected = dict(enumerate(zip(*columns, strict=True)))
    monkeypatch.setattr(linkage_codes, "_hash", len)  # every string of a length collides
    whole = linkage_codes.code(columns)
    merged = linkage_codes.merge([
        linkage_codes.code(linkage_batch.feature_columns(data.records[lo:hi]), np.int32)
        for lo, hi in linkage_batch._chunks(len(data.records), 2)])
    for coded in (whole, merged):
        assert coded.rows(range(len(data.records))) == expected
        for group, names in linkage_codes.GROUPS.items():  # equal codes only for equal values
            table = coded.tables[group]
            for name in names:
                codes = coded.codes[name].tolist()
                assert len({table[k] for k in codes}) == len(set(codes)), name


def test_it_explains_pairs_alike_on_one_and_two_processes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Explanations made on forked workers (sent back as level indexes) are the same pairs,
    scores and comparisons, in the same order, as in one process."""
    from kasane.core import linkage_batch

    data = generate(1200, seed=18)
    one = candidate_pairs(data.records, workers=1)
    monkeypatch.setattr(linkage_batch, "PARALLEL_MIN_PAIRS", 10)
    monkeypatch.setattr(linkage_batch, "PARALLEL_MIN_RECORDS", 100)
    two = candidate_pairs(data.records, workers=2)
    assert len(one) > 10
    assert [(p.a, p.b, p.score, p.comparisons) for p in two] == \
        [(p.a, p.b, p.score, p.comparisons) for p in one]
