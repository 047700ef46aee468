"""Japanese matching keys: kana, names, phones, addresses (no Django needed)."""

from __future__ import annotations

import unicodedata

import jaconv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasane.core import text
from kasane.core.text import (
    ITAIJI,
    fold_itaiji,
    is_kana,
    normalize_address,
    normalize_kana,
    normalize_name,
    normalize_phone,
    to_katakana,
)

# database=None: Hypothesis must not write a .hypothesis/ folder into the work tree.
PROPERTY = settings(database=None, deadline=None, max_examples=200)

KATAKANA = "".join(chr(c) for c in range(0x30A1, 0x30F7)) + "ー"
HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3097))
kata_words = st.text(alphabet=KATAKANA + " ", max_size=20)
address_alphabet = (
    "本町丁目番地号の条西北一二三四五六七八九十百千〇0123456789０１２３-－ーｰ−‐ 　"
    "アイウサンハイツ室館市区四日"
)
addresses = st.text(alphabet=address_alphabet, max_size=30)
# Anything at all, weighted towards the characters the rules care about.
tricky = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(KATAKANA + HIRAGANA + "゛゜\u3099\u309aｶﾞﾊﾟｰ・ヷヸヹヺ髙﨑齋邊澤"),
        st.sampled_from(address_alphabet),
    ),
    max_size=30,
)


# --- normalize_kana ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("やまだ　たろう", "ヤマダタロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ"),
        ("ｶﾞｯｺｳ", "ガツコウ"),
        ("キャッシュ", "キヤツシユ"),
        ("ヵヶヮ", "カケワ"),
        ("ヴァイオリン", "バイオリン"),
        ("ヴィーナス", "ビナス"),
        ("ヴ", "ブ"),
        ("ヴェ ヴォ", "ベボ"),
        ("ゔぁいおりん", "バイオリン"),
        ("ヨーコ", "ヨコ"),
        ("ヨ‐コ ヨ-コ ヨ−コ ヨ－コ ﾖｰｺ", "ヨコヨコヨコヨコヨコ"),
        ("ヂヅヲ", "ジズオ"),
        ("ちぢみ つづき を", "チジミツズキオ"),
        ("ジョン・スミス", "ジヨンスミス"),
        ("カ゛", "ガ"),
        ("", ""),
    ],
)
def test_it_builds_kana_keys(raw: str, key: str) -> None:
    assert normalize_kana(raw) == key


def test_it_leaves_non_kana_alone_in_kana_keys() -> None:
    assert normalize_kana("山田 ABC１２") == "山田ABC12"


def test_it_treats_a_voiced_mark_freed_by_a_dropped_dash_like_precomposed() -> None:
    assert normalize_kana("カー\u3099") == normalize_kana("ガ") == "ガ"


@PROPERTY
@given(tricky)
def test_it_normalizes_kana_idempotently(s: str) -> None:
    once = normalize_kana(s)
    assert normalize_kana(once) == once


@settings(database=None, deadline=None, max_examples=2000)
@given(st.one_of(tricky, kata_words))
def test_it_stops_after_one_kana_pass_only_where_the_fixpoint_would(s: str) -> None:
    """``normalize_kana`` skips the second pass when the first gives NFKC text: the same key
    as applying the pass until nothing changes."""
    from kasane.core.text import _fixpoint, _kana_pass

    assert normalize_kana(s) == _fixpoint(_kana_pass, s)


def test_it_takes_a_second_kana_pass_where_a_dropped_mark_frees_a_composition() -> None:
    from kasane.core.text import _kana_pass

    assert _kana_pass("カー\u3099") != "ガ"  # one pass leaves カ + combining ゙ …
    assert normalize_kana("カー\u3099") == "ガ"  # … which the second composes


@PROPERTY
@given(kata_words)
def test_it_gives_hiragana_and_katakana_the_same_key(s: str) -> None:
    assert normalize_kana(jaconv.kata2hira(s)) == normalize_kana(s)


@PROPERTY
@given(kata_words)
def test_it_ignores_width_in_kana_keys(s: str) -> None:
    half = jaconv.z2h(s, kana=True, ascii=True, digit=True)
    assert normalize_kana(half) == normalize_kana(s)


@PROPERTY
@given(kata_words)
def test_it_leaves_no_small_kana_long_marks_or_spaces(s: str) -> None:
    key = normalize_kana(s)
    assert not set(key) & set("ァィゥェォッャュョヮヵヶーヴヂヅヲ ")


# --- is_kana / to_katakana ------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["やまだ たろう", "ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "ジョン・スミス", "ヨーコ", "ゔぁ"]
)
def test_it_accepts_kana_readings(value: str) -> None:
    assert is_kana(value) is True


@pytest.mark.parametrize("value", ["山田 たろう", "YAMADA", "タロウ1", "", "   ", "タロウ!"])
def test_it_refuses_non_kana_readings(value: str) -> None:
    assert is_kana(value) is False


def test_it_tidies_a_reading_for_display() -> None:
    assert to_katakana("  やまだ   たろう ") == "ヤマダ\u3000タロウ"
    assert to_katakana("ﾔﾏﾀﾞ\tﾀﾛｳ") == "ヤマダ\u3000タロウ"
    assert to_katakana("きょうこ・ヴィー") == "キョウコ・ヴィー"  # display keeps small kana/ー/ヴ


# --- fold_itaiji ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "standard"),
    [
        ("髙橋", "高橋"), ("山\ufa11", "山崎"), ("宮嵜", "宮崎"), ("齋藤", "斉藤"),
        ("齊藤", "斉藤"), ("斎藤", "斉藤"), ("渡邊", "渡辺"), ("渡邉", "渡辺"),
        ("澤田", "沢田"), ("濱田", "浜田"), ("櫻井", "桜井"), ("廣田", "広田"),
        ("德川", "徳川"), ("國男", "国男"), ("冨田", "富田"), ("嶋田", "島田"),
        ("槇原", "槙原"), ("龍一", "竜一"), ("瀨戶", "瀬戶"), ("淵上", "渕上"),
        ("飛驒", "飛騨"), ("森鷗外", "森鴎外"), ("\U00020bb7野家", "吉野家"),
    ],
)
def test_it_folds_variant_kanji(variant: str, standard: str) -> None:
    assert fold_itaiji(variant) == standard


def test_it_drops_ideographic_variation_selectors() -> None:
    assert fold_itaiji("辻\U000e0100本") == "辻本"
    assert fold_itaiji("葛\U000e0101城") == "葛城"


def test_it_reads_runtime_additions_to_the_itaiji_table(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fold_itaiji("\U00025054") == "\U00025054"
    monkeypatch.setitem(text.ITAIJI, "\U00025054", "崎")  # 𥁔 (stand-in for a local variant)
    assert fold_itaiji("山\U00025054") == "山崎"


def test_it_keeps_the_itaiji_table_well_formed() -> None:
    for variant, standard in ITAIJI.items():
        assert len(variant) == 1 and len(standard) == 1, variant
        assert variant != standard, variant
        assert unicodedata.normalize("NFKC", variant) == variant, variant
        assert standard not in ITAIJI, standard


# --- normalize_name -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("髙橋 ﾀﾛｳ", "高橋タロウ"),
        ("高橋　たろう", "高橋タロウ"),
        ("渡邊　一郎", "渡辺一郎"),
        (" 齋藤  花子 ", "斉藤花子"),
        ("やまだ きょうこ", "ヤマダキヨウコ"),
        ("ＳＭＩＴＨ John", "smithjohn"),
        ("山田さゆり", "山田サユリ"),
    ],
)
def test_it_builds_name_keys(raw: str, key: str) -> None:
    assert normalize_name(raw) == key


def test_it_gives_kana_names_the_kana_key() -> None:
    assert normalize_name("ゔぃーなす") == normalize_kana("ヴィーナス") == "ビナス"


@PROPERTY
@given(tricky)
def test_it_normalizes_names_idempotently(s: str) -> None:
    once = normalize_name(s)
    assert normalize_name(once) == once


@settings(database=None, deadline=None, max_examples=2000)
@given(st.one_of(tricky, kata_words))
def test_it_stops_after_one_name_pass_only_where_the_fixpoint_would(s: str) -> None:
    from kasane.core.text import _fixpoint, _kana_pass, _nfkc, fold_itaiji

    def name_pass(t: str) -> str:  # as the rules read: the kana rules until stable, per pass
        return _fixpoint(_kana_pass, fold_itaiji(_nfkc(t)).casefold())

    assert normalize_name(s) == _fixpoint(name_pass, s)


@PROPERTY
@given(kata_words)
def test_it_gives_hiragana_and_katakana_names_the_same_key(s: str) -> None:
    assert normalize_name(jaconv.kata2hira(s)) == normalize_name(s)
    assert normalize_name(jaconv.z2h(s, kana=True)) == normalize_name(s)


# --- normalize_phone ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("03-1234-5678", "0312345678"),
        ("０３（１２３４）５６７８", "0312345678"),
        ("090 1234 5678", "09012345678"),
        ("+81 3-1234-5678", "81312345678"),
        ("なし", ""),
    ],
)
def test_it_keeps_only_phone_digits(raw: str, digits: str) -> None:
    assert normalize_phone(raw) == digits


@PROPERTY
@given(tricky)
def test_it_reduces_phones_to_ascii_digits(s: str) -> None:
    assert set(normalize_phone(s)) <= set("0123456789")


# --- normalize_address ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("本町三丁目4番5号", "本町3-4-5"),
        ("本町3丁目4番地5", "本町3-4-5"),
        ("本町３－４－５", "本町3-4-5"),
        ("本町３ー４ー５", "本町3-4-5"),
        ("本町3‐4−5", "本町3-4-5"),
        ("本町 三丁目 四番 五号", "本町3-4-5"),
        ("本町三丁目四番五", "本町3-4-5"),
        ("本町二十三番地の四", "本町23-4"),
        ("本町百五番地", "本町105"),
        ("本町一二三番地", "本町123"),
        ("本町三丁目", "本町3丁目"),
        ("本町3丁目-4", "本町3-4"),
        ("北五条西三丁目", "北5条西3丁目"),
        ("四日市市八王子町", "四日市市八王子町"),
        ("千代田区九段南一丁目2番1号", "千代田区九段南1-2-1"),
        ("本町3-4-5 サンハイツー101号室", "本町3-4-5サンハイツー101号室"),
        ("本町3-4-5コーポ", "本町3-4-5コーポ"),
        ("澤町3-4", "沢町3-4"),
    ],
)
def test_it_builds_address_keys(raw: str, key: str) -> None:
    assert normalize_address(raw) == key


def test_it_never_turns_a_katakana_long_mark_into_a_hyphen() -> None:
    assert normalize_address("コーポラス・ルーム") == "コーポラス・ルーム"
    assert "-" not in normalize_address("本町3丁目メゾンドール")


@PROPERTY
@given(st.one_of(addresses, tricky))
def test_it_normalizes_addresses_idempotently(s: str) -> None:
    once = normalize_address(s)
    assert normalize_address(once) == once


@settings(database=None, deadline=None, max_examples=2000)
@given(st.one_of(addresses, tricky))
def test_it_stops_after_one_address_pass_only_where_the_fixpoint_would(s: str) -> None:
    """``normalize_address`` skips the second pass when the first gives NFKC text: the same
    key as applying the pass until nothing changes."""
    from kasane.core.text import _address_pass, _fixpoint

    assert normalize_address(s) == _fixpoint(_address_pass, s)


def _kanji(n: int) -> str:
    """23 → 二十三, 105 → 百五, 10 → 十 (the way numbers are written on forms)."""
    digits = "〇一二三四五六七八九"
    out = ""
    for unit, mark in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, unit)
        if q:
            out += ("" if q == 1 else digits[q]) + mark
    return out + (digits[n] if n else "")


@pytest.mark.parametrize(("n", "kanji"), [(1, "一"), (10, "十"), (23, "二十三"), (105, "百五")])
def test_it_writes_kanji_numbers_in_the_test_helper(n: int, kanji: str) -> None:
    assert _kanji(n) == kanji


@PROPERTY
@given(
    st.integers(1, 1999), st.integers(1, 1999), st.integers(1, 1999),
    st.sampled_from([
        "{a}丁目{b}番{c}号", "{a}丁目{b}番地{c}", "{a}-{b}-{c}", "{a}－{b}－{c}",
        "{ka}丁目{kb}番{kc}号", "{ka}丁目{kb}番地の{kc}", "{a}丁目{kb}番{kc}",
    ]),
)
def test_it_writes_any_block_number_form_the_same_way(a: int, b: int, c: int, form: str) -> None:
    raw = "本町" + form.format(a=a, b=b, c=c, ka=_kanji(a), kb=_kanji(b), kc=_kanji(c))
    wide = jaconv.h2z(raw, digit=True, ascii=True)
    assert normalize_address(raw) == normalize_address(wide) == f"本町{a}-{b}-{c}"
