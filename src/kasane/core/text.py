"""Japanese text normalisation for matching keys and search.

Everything here builds *keys*: strings that are compared, indexed or searched, never shown.
A key throws information away on purpose (大きい/小さい kana, 長音, 異体字 …) so that two ways
of writing the same name, reading, phone number or address compare equal. Always store and
display what the person typed; derive the key beside it.

Every ``normalize_*`` function is idempotent: ``f(f(s)) == f(s)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import jaconv

__all__ = [
    "ITAIJI",
    "fold_itaiji",
    "is_kana",
    "normalize_address",
    "normalize_kana",
    "normalize_name",
    "normalize_phone",
    "to_katakana",
]

# ---------------------------------------------------------------------------
# shared building blocks
# ---------------------------------------------------------------------------

_WS_RE = re.compile(r"\s+")  # str-pattern \s is Unicode-aware: includes U+3000 全角スペース
_SPACING_VOICE_MARKS = str.maketrans({"\u309b": "\u3099", "\u309c": "\u309a"})  # ゛゜


def _nfkc(s: str) -> str:
    """NFKC, but spacing ゛/゜ become combining marks first so ``カ゛`` composes to ``ガ``.

    (Plain NFKC turns U+309B into a space followed by U+3099, which would leave a stray space.)
    """
    if "\u309b" in s or "\u309c" in s:
        s = s.translate(_SPACING_VOICE_MARKS)
    return unicodedata.normalize("NFKC", s)


def _remove_ws(s: str) -> str:
    return "".join(s.split())  # str.split() splits on exactly the characters \s matches


def _fixpoint(step: Callable[[str], str], s: str, limit: int = 8) -> str:
    """Apply ``step`` until the value stops changing (makes the public functions idempotent).

    A single pass can expose new work, e.g. dropping ``ー`` from ``カー`` + U+3099 lets ``カ``
    and the combining mark compose to ``ガ``. Each pass after the first only composes, drops
    or folds, so this ends quickly; ``limit`` is a safety net.
    """
    for _ in range(limit):
        t = step(s)
        if t == s:
            return t
        s = t
    return s


# ---------------------------------------------------------------------------
# kana
# ---------------------------------------------------------------------------

# Rule: ヴ and its combinations read as バ行 (ヴァイオリン ≈ バイオリン). Longest first.
_VU_FOLDS: tuple[tuple[str, str], ...] = (
    ("ヴァ", "バ"), ("ヴィ", "ビ"), ("ヴェ", "ベ"), ("ヴォ", "ボ"), ("ヴュ", "ビュ"), ("ヴ", "ブ"),
)
_VU_RE = re.compile("|".join(src for src, _ in _VU_FOLDS))
_VU_MAP = dict(_VU_FOLDS)

_KANA_FOLD = str.maketrans({
    # Rule: small kana count as large (キャ = キヤ, ッ = ツ), incl. Ainu small katakana ㇰ…ㇿ.
    **dict(zip("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ", strict=True)),
    **dict(zip("ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ", "クシストヌハヒフヘホムラリルレロ",
               strict=True)),
    # Rule: 四つ仮名 and historical kana: ヂ=ジ, ヅ=ズ, ヲ=オ, ヰ=イ, ヱ=エ;
    # precomposed ヷヸヹヺ follow the ヴ rule (= バビベボ).
    "ヂ": "ジ", "ヅ": "ズ", "ヲ": "オ", "ヰ": "イ", "ヱ": "エ",
    "ヷ": "バ", "ヸ": "ビ", "ヹ": "ベ", "ヺ": "ボ",
    # Rule: 長音 and dash-like marks vanish (ヨーコ → ヨコ; ヨウコ stays ヨウコ, so 長音 spelt
    # with ウ/オ still differs), as does the 中点 between names (ジョン・スミス = ジョンスミス).
    **{c: None for c in "ー‐‑‒–—―-−﹣－ｰ・"},
})


def _kana_pass(s: str) -> str:
    s = _remove_ws(_nfkc(s))  # width (ｶﾞ→ガ, Ａ→A) + all whitespace incl. U+3000
    s = jaconv.hira2kata(s)  # ひらがな → カタカナ (ゔ→ヴ, ゝ→ヽ …)
    s = unicodedata.normalize("NFC", s)  # ワ+゙ → ヷ now that hiragana became katakana
    s = _VU_RE.sub(lambda m: _VU_MAP[m.group()], s)
    return s.translate(_KANA_FOLD)


def normalize_kana(s: str) -> str:
    """Return the matching key of a kana reading (フリガナ).

    Rules, in order:

    1. NFKC (half-width ｶﾀｶﾅ → full width, full-width ASCII → ASCII), with spacing ゛゜ joined.
    2. All whitespace is removed, including U+3000.
    3. Hiragana → katakana (``jaconv.hira2kata``).
    4. ヴ folds to バ行: ヴァ→バ, ヴィ→ビ, ヴ→ブ, ヴェ→ベ, ヴォ→ボ (ヴュ→ビュ, ヷヸヹヺ→バビベボ).
    5. Small kana fold to large: ァィゥェォ→アイウエオ, ッ→ツ, ャュョ→ヤユヨ, ヮ→ワ, ヵ→カ,
       ヶ→ケ (and Ainu ㇰ… → ク…).
    6. ヂ→ジ, ヅ→ズ, ヲ→オ (also ヰ→イ, ヱ→エ).
    7. 長音 ー and dash look-alikes ‐ - − － ｰ – — ― are dropped; so is the 中点 ・.

    Non-kana characters pass through (after steps 1–2 and 7). Idempotent.
    """
    first = _kana_pass(s)
    if unicodedata.is_normalized("NFKC", first):
        # A second pass would change nothing (a test holds this against the full fixpoint):
        # its steps map character by character (hira2kata, the fold table) and leave no
        # whitespace, hiragana of the table, ヴ or folded kana behind — no folded form is
        # folded again — so only composition can expose new work (カー゙ → ガ → ガ), and
        # NFKC text (which also excludes spacing ゛゜) has none left.
        return first
    return _fixpoint(_kana_pass, first)


_KANA_ALLOWED_RE = re.compile(
    "["
    "\u3041-\u3096"  # ぁ…ゖ
    "\u3099-\u309a"  # combining ゙ ゚ (NFKC's form of ゛゜)
    "\u309d-\u309f"  # ゝゞゟ
    "\u30a1-\u30ff"  # ァ…ヺ ・ ー ヽヾヿ
    "\u31f0-\u31ff"  # ㇰ…ㇿ
    "]+"
)


def is_kana(s: str) -> bool:
    """True when ``s`` is a non-empty kana-only reading: hiragana/katakana, ー, ・ and spaces.

    Width does not matter (ｶﾅ is fine); kanji, Latin letters, digits and other punctuation make
    it False. Whitespace-only or empty input is False. Use it to refuse kanji in フリガナ fields.
    """
    return _KANA_ALLOWED_RE.fullmatch(_remove_ws(_nfkc(s))) is not None


def to_katakana(s: str) -> str:
    """Return a kana reading tidied *for display* (not a key).

    NFKC (so half-width ｶﾅ becomes full width), hiragana → katakana, outer whitespace stripped,
    every inner whitespace run replaced by one full-width space U+3000: ``" やまだ  たろう "``
    → ``"ヤマダ　タロウ"``. Small kana, ー and ヴ are kept as typed.
    """
    s = jaconv.hira2kata(_nfkc(s))
    return _WS_RE.sub("\u3000", unicodedata.normalize("NFC", s).strip())


# ---------------------------------------------------------------------------
# 異体字 (variant kanji)
# ---------------------------------------------------------------------------

class _FoldingTable(dict[str, str]):
    """A dict that keeps a ``str.translate`` table in step with its contents.

    ``fold_itaiji`` runs for every matching key (hundreds of thousands in a 名寄せ batch), so it
    translates in C instead of joining characters in Python; every mutation drops the cached
    table, so runtime additions (``ITAIJI[...] = ...``) still take effect at once.
    """

    __slots__ = ("_table", "_search")
    _table: dict[int, str] | None
    _search: Callable[[str], object] | None

    def __init__(self, *args: object, **kwargs: str) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._drop()

    def translation(self) -> tuple[dict[int, str], Callable[[str], object]]:
        """(translate table, search function that finds a foldable character or IVS)."""
        if self._table is None or self._search is None:
            self._table = str.maketrans(dict(self))
            chars = "".join(re.escape(c) for c in self)
            self._search = re.compile(
                f"[{chars}\ufe00-\ufe0f\U000e0100-\U000e01ef]").search
        return self._table, self._search

    def _drop(self) -> None:
        self._table = None
        self._search = None

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key, value)
        self._drop()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._drop()

    def __ior__(self, other: object) -> _FoldingTable:  # type: ignore[override,misc]
        self.update(other)  # type: ignore[call-overload]
        return self

    def update(self, *args: object, **kwargs: str) -> None:  # type: ignore[override]
        super().update(*args, **kwargs)  # type: ignore[arg-type]
        self._drop()

    def setdefault(self, key: str, default: str = "") -> str:  # type: ignore[override]
        value = super().setdefault(key, default)
        self._drop()
        return value

    def pop(self, *args: object) -> str:  # type: ignore[override]
        value = super().pop(*args)  # type: ignore[arg-type,call-overload]
        self._drop()
        return value  # type: ignore[no-any-return]

    def popitem(self) -> tuple[str, str]:
        item = super().popitem()
        self._drop()
        return item

    def clear(self) -> None:
        super().clear()
        self._drop()


ITAIJI: dict[str, str] = _FoldingTable({
    # 高・崎
    "髙": "高", "\ufa11": "崎",  # U+FA11 﨑 (NFKC keeps it)
    "嵜": "崎", "碕": "崎",
    # 斉 (斎 and 斉 are distinct characters, but are mixed up so often that a *key* folds them)
    "齋": "斉", "齊": "斉", "斎": "斉",
    # 辺
    "邊": "辺", "邉": "辺",
    # 旧字体 → 新字体
    "澤": "沢", "濱": "浜", "櫻": "桜", "廣": "広", "德": "徳", "惠": "恵", "國": "国",
    "眞": "真", "藏": "蔵", "條": "条", "瀨": "瀬", "與": "与", "禮": "礼", "實": "実",
    "壽": "寿", "萬": "万", "驒": "騨", "鷗": "鴎", "晉": "晋", "龍": "竜", "籠": "篭",
    "澁": "渋", "會": "会", "團": "団", "黑": "黒", "豐": "豊", "圓": "円", "關": "関",
    "來": "来", "彌": "弥", "靜": "静", "爲": "為", "峯": "峰", "穗": "穂", "增": "増",
    "淸": "清", "緖": "緒", "壹": "壱", "兒": "児", "髮": "髪", "險": "険", "檢": "検",
    # 俗字・異体
    "冨": "富", "嶋": "島", "嶌": "島", "槇": "槙", "桒": "桑", "淵": "渕", "渊": "渕",
    "舘": "館", "藪": "薮", "栁": "柳", "舩": "船", "𠮷": "吉", "曻": "昇",
    "凜": "凛", "檜": "桧",
    # added for 名寄せ (surnames seen in registers): 瀧澤, 曾根, 濵田, 榮, 嶽, 邨, 苅, 莊, 遙
    "瀧": "滝", "曾": "曽", "濵": "浜", "榮": "栄", "嶽": "岳", "邨": "村", "苅": "刈",
    "莊": "荘", "遙": "遥",
})
"""Variant kanji → the form used in matching keys. **Keys only — never rewrite what is shown.**

Extend it by adding entries (at import time, e.g. ``ITAIJI["𥔎"] = "崎"``); every key and value
must be a single code point that NFKC leaves unchanged, and no value may itself be a key (the
tests check this). Changing the table changes stored keys: re-derive them after an edit.
"""

# Ideographic variation selectors (IVS, e.g. 葛 + U+E0100) and standard variation selectors.
_VARIATION_SELECTOR_RE = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def fold_itaiji(s: str) -> str:
    """Fold variant kanji to their common form using ``ITAIJI``, for matching keys only.

    Variation selectors (IVS) are dropped first, so 辻 and 辻󠄀 compare equal. Characters not
    in the table are kept. Reads ``ITAIJI`` on every call, so runtime additions take effect.
    """
    if isinstance(ITAIJI, _FoldingTable):
        table, search = ITAIJI.translation()
        if search(s) is None:  # the common case: nothing to fold
            return s
        return _VARIATION_SELECTOR_RE.sub("", s).translate(table)
    s = _VARIATION_SELECTOR_RE.sub("", s)
    return "".join([ITAIJI.get(c, c) for c in s])  # someone rebound ITAIJI to a plain dict


# ---------------------------------------------------------------------------
# names, phones
# ---------------------------------------------------------------------------


def normalize_name(s: str) -> str:
    """Return the matching key of a person's name, written in kanji, kana or Latin letters.

    NFKC, whitespace removed, 異体字 folded (``fold_itaiji``), Latin case-folded, then the kana
    rules of ``normalize_kana`` (which leave kanji alone). So ``"髙橋 ﾀﾛｳ"`` and ``"高橋　たろう"``
    both give ``"高橋タロウ"``, and ``"やまだ"`` equals ``normalize_kana("ヤマダ")``. Idempotent.
    """
    first = _name_pass(s)
    if (unicodedata.is_normalized("NFKC", first) and fold_itaiji(first) == first
            and first.casefold() == first):
        # A second pass would change nothing: NFKC, 異体字 and case are already folded, and
        # NFKC output of the kana pass is its own fixpoint (see ``normalize_kana``).
        return first
    return _fixpoint(_name_pass, first)


def _name_pass(s: str) -> str:
    return normalize_kana(fold_itaiji(_nfkc(s)).casefold())


_NON_DIGIT_RE = re.compile(r"[^0-9]")


def normalize_phone(s: str) -> str:
    """Return only the ASCII digits 0-9 of ``s``, after NFKC so full-width digits count.

    ``"０３-1234（5678）"`` → ``"0312345678"``. No other validation: empty when there are none.
    """
    return _NON_DIGIT_RE.sub("", _nfkc(s))


# ---------------------------------------------------------------------------
# addresses
# ---------------------------------------------------------------------------

_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KNUM = "[〇一二三四五六七八九十百千]+"
_HAS_KNUM_RE = re.compile(_KNUM)
_DASHES = "\\-‐‑‒–—―ー−﹣－ｰ"
# A kanji numeral is an address number only in context: before a marker …
_KNUM_BEFORE_MARKER_RE = re.compile(f"{_KNUM}(?=丁目|丁|番地|番|号|条|地割|線|の|[{_DASHES}])")
# … or right after "<digit><marker>", e.g. the 五 of 3丁目4番五 (applied until stable).
_KNUM_AFTER_MARKER_RE = re.compile(
    f"(?:(?<=[0-9]丁目)|(?<=[0-9]番地)|(?<=[0-9][丁番号の{_DASHES}])){_KNUM}"
)
# Between two digits, any marker/dash combination becomes one "-": 3丁目4, 4番地の5, 3－4, 3ー4.
_MARKER_BETWEEN_DIGITS_RE = re.compile(
    f"(?<=[0-9])(?:(?:丁目|丁|番地|番|号)(?:の|[{_DASHES}])?|の|[{_DASHES}])(?=[0-9])"
)
# 番地/番/号 after the last number are dropped unless a kanji follows (101号室, 3番館 stay).
_TRAILING_MARKER_RE = re.compile(r"(?<=[0-9])(?:番地|番|号)(?![\u3400-\u9fff\uf900-\ufaff])")


class _KanjiNumbers(dict[str, str]):
    """Memo of ``_kanji_number`` per run (addresses repeat a few hundred runs: 三, 二十三 …);
    bounded, as any text can reach it."""

    def __missing__(self, run: str) -> str:
        if len(self) > 10_000:
            self.clear()
        value = self[run] = _kanji_number(run)
        return value


_KANJI_NUMBERS = _KanjiNumbers()


def _kanji_run(match: re.Match[str]) -> str:
    return _KANJI_NUMBERS[match.group()]


def _kanji_number(run: str) -> str:
    """二十三 → "23", 百五 → "105", 一二三 → "123" (digit by digit when there is no 十百千)."""
    if not any(c in _KANJI_UNITS for c in run):
        return "".join(str(_KANJI_DIGITS[c]) for c in run)
    total = current = 0
    for c in run:
        if c in _KANJI_UNITS:
            total += (current or 1) * _KANJI_UNITS[c]
            current = 0
        else:
            current = current * 10 + _KANJI_DIGITS[c]
    return str(total + current)


def _address_pass(s: str) -> str:
    s = fold_itaiji(_remove_ws(_nfkc(s)))
    if _HAS_KNUM_RE.search(s):  # most addresses are typed with digits: skip the kanji passes
        s = _KNUM_BEFORE_MARKER_RE.sub(_kanji_run, s)
        while _HAS_KNUM_RE.search(s):  # until stable; a pass that converts shrinks the runs
            s, converted = _KNUM_AFTER_MARKER_RE.subn(_kanji_run, s)
            if not converted:
                break
    s = _MARKER_BETWEEN_DIGITS_RE.sub("-", s)
    return _TRAILING_MARKER_RE.sub("", s)


def normalize_address(s: str) -> str:
    """Return the matching key of a Japanese address.

    NFKC and whitespace removal; 異体字 folded; kanji numerals that sit next to address markers
    become Arabic (本町三丁目 → 本町3丁目, 二十三番地 → 23番地) while place names keep theirs
    (四日市, 八王子, 千代田); 丁目/番地/番/号/の and every dash variant *between two numbers*
    become ``-``; 番地/番/号 after the last number are dropped unless a kanji follows. So
    ``本町三丁目4番5号``, ``本町3丁目4番地5`` and ``本町３－４－５`` all give ``本町3-4-5``.
    A ー inside a katakana word is never touched. Idempotent.
    """
    first = _address_pass(s)
    if unicodedata.is_normalized("NFKC", first) and not _HAS_KNUM_RE.search(first):
        # A second pass would change nothing (a test holds this against the full fixpoint):
        # no whitespace and no 異体字 are left (no folded form is itself folded), no kanji
        # numeral is left that a dropped marker could have put in a number's context
        # (二十三番地の四 → 23の四 → 23-4 takes two passes), the "-" and the dropped markers
        # sit beside digits only, and the text is NFKC (else marks the first pass brought
        # together may compose).
        return first
    return _fixpoint(_address_pass, first)
