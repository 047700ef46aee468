"""名寄せ engine (kasane.core.linkage): scoring, blocking, batch, clustering. No database."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasane.core import linkage, linkage_address, linkage_batch
from kasane.core.linkage import (
    HIGH,
    LEVELS,
    THRESHOLD,
    PersonRecord,
    block_keys,
    candidate_pairs,
    cluster,
    name_frequencies,
    score_pair,
)


def person(rid: object, **kw: object) -> PersonRecord:
    base: dict[str, object] = dict(
        family_name="高橋", given_name="博", family_kana="タカハシ", given_kana="ヒロシ",
        birth_date=date(1950, 4, 3), phone="042-555-1234", address="重ね市本町3丁目4番5号")
    base.update(kw)
    return PersonRecord(rid, **base)  # type: ignore[arg-type]


def levels(pair: linkage.ScoredPair) -> dict[str, str]:
    return {c.field: c.level for c in pair.comparisons}


def test_it_scores_itaiji_and_script_variants_with_the_same_birth_date_above_threshold() -> None:
    a = person(1, phone="", address="")
    b = person(2, family_name="髙橋", family_kana="たかはし", given_kana="ﾋﾛｼ", phone="",
               address="")
    pair = score_pair(a, b)
    assert pair.score >= THRESHOLD
    assert levels(pair)["氏"] == "family.exact"
    assert any("異体字" in c.label for c in pair.comparisons if c.field == "氏")


def test_it_keeps_same_name_with_another_birth_date_below_threshold() -> None:
    a = person(1)
    b = person(2, birth_date=date(1962, 11, 20), phone="090-1111-2222",
               address="重ね市栄町1-2-3")
    pair = score_pair(a, b)
    assert pair.score < THRESHOLD
    assert pair.band == "low"


def test_it_keeps_same_name_same_birth_year_strangers_below_threshold() -> None:
    a = person(1)
    b = person(2, birth_date=date(1950, 9, 17), phone="090-1111-2222", address="")
    assert score_pair(a, b).score < THRESHOLD


def test_it_keeps_twins_below_threshold_although_household_fields_agree() -> None:
    a = person(1, given_name="翔太", given_kana="ショウタ", birth_date=date(2010, 5, 5))
    b = person(2, given_name="大翔", given_kana="ヒロト", birth_date=date(2010, 5, 5))
    pair = score_pair(a, b)
    assert pair.score < THRESHOLD
    phone = next(c for c in pair.comparisons if c.field == "電話番号")
    assert phone.level == "phone.exact" and phone.weight == 0  # shared by the household
    assert "世帯" in phone.label


def test_it_recognises_a_day_month_swap() -> None:
    a = person(1, phone="", address="")
    b = person(2, birth_date=date(1950, 3, 4), phone="", address="")
    pair = score_pair(a, b)
    assert levels(pair)["生年月日"] == "birth.swap"
    assert pair.score >= THRESHOLD


def test_it_tells_a_day_typo_from_a_swap() -> None:
    a = person(1)
    assert levels(score_pair(a, person(2, birth_date=date(1950, 4, 30))))["生年月日"] == \
        "birth.same_month"
    assert levels(score_pair(a, person(2, birth_date=None)))["生年月日"] == "birth.missing"


def test_it_explains_every_comparison_in_japanese() -> None:
    pair = score_pair(person(1), person(2, phone="", given_kana="ひろし"))
    assert [c.field for c in pair.comparisons] == ["氏", "名", "生年月日", "電話番号", "住所",
                                                   "世帯"]
    for c in pair.comparisons:
        assert c.level in LEVELS
        assert any("\u3040" <= ch <= "\u9fff" for ch in c.label)
    assert pair.score == pytest.approx(sum(c.weight for c in pair.comparisons))
    assert pair.band == "high" and pair.score >= HIGH
    assert pair.band_label == "一致の可能性が高い"


def test_it_treats_a_person_listed_in_the_others_household_as_someone_else() -> None:
    mother = person(1, given_name="和子", given_kana="カズコ", household=("博",))
    son = person(2, birth_date=date(1950, 4, 3))
    pair = score_pair(mother, son)
    assert levels(pair)["世帯"] == "household.listed"
    assert pair.score < THRESHOLD


def test_it_gives_rare_names_more_weight_with_frequencies() -> None:
    records = [person(i) for i in range(50)] + [
        person(99, family_name="勅使河原", family_kana="テシガワラ")]
    tf = name_frequencies(records)
    common = score_pair(person(1), person(2), frequencies=tf)
    rare = score_pair(person(98, family_name="勅使河原", family_kana="テシガワラ"),
                      person(99, family_name="勅使河原", family_kana="テシガワラ"),
                      frequencies=tf)
    w = {p: next(c.weight for c in x.comparisons if c.field == "氏")
         for p, x in (("common", common), ("rare", rare))}
    assert w["rare"] > w["common"]


def test_it_gives_variant_records_a_shared_block_key() -> None:
    a = person(1)
    b = person(2, family_name="髙橋", family_kana="ﾀｶﾊｼ", given_kana="ひろし")
    assert set(block_keys(a)) & set(block_keys(b))
    swapped = person(3, birth_date=date(1950, 3, 4), phone="", address="")
    assert any(k.startswith("bf:") for k in set(block_keys(a)) & set(block_keys(swapped)))
    assert block_keys(PersonRecord(4)) == []


def test_it_finds_the_pairs_of_a_small_batch_and_explains_them() -> None:
    records = [
        person(1), person(2, family_name="髙橋", family_kana="たかはし"),
        person(3, family_name="佐藤", family_kana="サトウ", given_name="花子",
               given_kana="ハナコ", birth_date=date(1980, 1, 2), phone="", address=""),
    ]
    pairs = candidate_pairs(records)
    assert [(p.a, p.b) for p in pairs] == [(1, 2)]
    assert pairs[0].comparisons
    assert candidate_pairs([]) == [] and candidate_pairs(records[:1], workers=2) == []


def test_it_raises_the_threshold_for_big_registers() -> None:
    assert linkage.threshold_for(80_000) == THRESHOLD
    assert linkage.threshold_for(1_000_000) == THRESHOLD + 3.0
    assert linkage.threshold_for(300_000) == THRESHOLD + 1.5
    assert linkage.threshold_for(10_000_000) > linkage.threshold_for(1_000_000)


def test_it_clusters_transitively() -> None:
    groups = cluster([(1, 2), (2, 3), (4, 5), (6, 6)])
    assert {frozenset(g) for g in groups} == {frozenset({1, 2, 3}), frozenset({4, 5})}
    scored = [linkage.ScoredPair("a", "b", 20.0), linkage.ScoredPair("c", "b", 20.0)]
    assert cluster(scored) == [{"a", "b", "c"}]
    assert cluster([]) == []


@pytest.mark.parametrize(("address", "parts"), [
    ("東京都重ね市本町3丁目4番5号 コーポ101", ("本町3-4-5コーポ101", "本町3-4-5", "本町3")),
    ("重ね市本町三丁目4番地5", ("本町3-4-5", "本町3-4-5", "本町3")),
    ("北海道札幌市中央区北5条西3丁目", ("中央区北5条西3丁目", "中央区北5", "中央区北5")),
    ("京都府京都市左京区1-2", ("左京区1-2", "左京区1-2", "左京区1")),
    ("大阪府大阪市北区梅田1丁目", ("北区梅田1丁目", "北区梅田1", "北区梅田1")),
    ("番地なし", ("番地なし", "番地なし", "番地なし")),
    ("", ("", "", "")),
])
def test_it_cuts_an_address_into_core_lot_and_chome(address: str,
                                                     parts: tuple[str, str, str]) -> None:
    assert linkage_address.address_parts_plain(address) == parts
    assert linkage_address.address_parts.__wrapped__(address) == parts


@given(st.text(alphabet="0123456789０１２３４５６７８９一二三十百千〇丁目番地号の-－ー 本町市都県%ｶ゛髙八王子",
               max_size=16))
@settings(max_examples=300, deadline=None)
def test_it_derives_address_parts_from_the_shape_for_any_text(address: str) -> None:
    assert linkage_address.address_parts.__wrapped__(address) == \
        linkage_address.address_parts_plain(address)


_TRICKY_PHONES = ["", "０３-1234（5678）", "042(530)8949", "０７０－０６３０－７９３２", "03 1234 5678",
                  "03\u30001234\u30005678", "①②③4567890", "03-1234-567８内線12", "TEL:0312345678",
                  "0312345678\u0301", "12345678", "+81-3-1234-5678", "ー", "٣١٢٣٤٥٦٧٨٩"]


@given(st.lists(st.sampled_from(_TRICKY_PHONES) | st.text(
    alphabet="0123456789０１２３４５６７８９-－ー()（） \u3000+①٣\u0301a", max_size=14), max_size=8))
@settings(max_examples=200, deadline=None)
def test_batch_phones_equal_the_per_value_normalizer(phones: list[str]) -> None:
    assert linkage_batch._phones(phones) == [linkage_batch._phone(p) for p in phones]


_TRICKY_NAMES = ["", "髙橋", "高橋", "ﾀｶﾊｼ", "たかはし", "タカハシ", "齋藤", "斎藤", "辻\U000e0100",
                 "ヴァイオリン", "ジョン・スミス", "ＡＢＣ", "abc", "カ゛ー", "よーこ", "山田　太郎", " "]


@given(st.lists(st.tuples(st.sampled_from(_TRICKY_NAMES), st.sampled_from(_TRICKY_NAMES)),
                max_size=10),
       st.lists(st.lists(st.sampled_from(_TRICKY_NAMES), max_size=3).map(tuple), max_size=6))
@settings(max_examples=200, deadline=None)
def test_batch_names_and_households_equal_the_per_value_normalizers(
        pairs: list[tuple[str, str]], households: list[tuple[str, ...]]) -> None:
    names, kanas = [n for n, _ in pairs], [k for _, k in pairs]
    memo: dict[str, str] = {}
    folds, readings = linkage_batch._name_parts(names, kanas, memo, {}) if pairs else ((), ())
    assert list(zip(folds, readings, strict=True)) == [
        linkage._name_part.__wrapped__(n, k) for n, k in pairs]
    assert linkage_batch._households(households, memo) == [
        linkage._household_keys.__wrapped__(h) if h else () for h in households]
