"""Hypothesis strategies for hostile input (issue 22 fuzzing): what real offices and attackers type.

- ``japanese_text``: hiragana, katakana, common kanji, 旧字・異体字 (髙 﨑 邊 齋 …), 半角カナ
  (with separate dakuten), full-width digits and letters, emoji (ZWJ sequences, flags),
  control characters including NUL, bidi overrides, zero-width characters, lone surrogates are
  impossible in Django input (UTF-8) so they are left out.
- ``huge_text``: one string of 5,000–150,000 characters.
- ``odd_dates``: 和暦 era boundaries (昭和64年1月7日/8日, 平成31年4月30日, 令和元年5月1日),
  impossible dates (2月30日, 令和0年), far past and far future, mixed widths and separators.
- ``odd_integers``: beyond 64 bits, negative, zero, exponent, NaN, full-width, with commas.
- ``hostile_value``: any of the above (the value of one form field or JSON string).
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from kasane.core.wareki import format_wareki

HIRAGANA = "ぁあいうえおかがきぎくぐけげこごさざしじすずせぜそぞたちっつてとなにぬねのはばぱひびぴふぶぷへべぺほまみむめもゃやゅゆょよらりるれろわをん"
KATAKANA = "ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロワヲンヴー"
KANJI = "山田太郎花子佐藤鈴木高橋渡辺市区町村福祉相談支援世帯介護生活保護障害子育"
KYUJI = "髙﨑邊邉齋齊國學黑德眞澤廣惠濱櫻嶋𠮷"
HANKAKU = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎｦﾝｰﾞﾟ｡｢｣､･"
WIDE = "０１２３４５６７８９ＡＢＣａｂｃ－（）　"
EMOJI = ["😀", "👨‍👩‍👧", "🇯🇵", "🀄️", "🙇🏻‍♀️", "❤️", "㊗️", "🈂"]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\u0085", "\u200b",
           "\u200d", "\u200e", "\u202e", "\u2028", "\ufeff", "\r", "\n", "\t"]
ASCII = "abcXYZ019 -_./:@'\"<>&%;=?#\\"
INJECTION = ["' OR 1=1 --", "<script>alert(1)</script>", "{{ 7*7 }}", "${jndi:ldap://x}",
             "../../etc/passwd", "%00", "\\u0000", "NULL", "None", "[]", "{}", "true"]

_chars = st.sampled_from(list(HIRAGANA + KATAKANA + KANJI + KYUJI + HANKAKU + WIDE + ASCII)
                         + EMOJI + CONTROL)

japanese_text = st.lists(_chars, max_size=40).map("".join)
huge_text = st.tuples(st.integers(5_000, 150_000), st.sampled_from(["あ", "髙", "ｱ", "a", "😀", "\x00"])) \
    .map(lambda pair: pair[1] * pair[0])
control_text = st.lists(st.sampled_from(CONTROL), min_size=1, max_size=5).map("".join) \
    .flatmap(lambda c: japanese_text.map(lambda t: t[: len(t) // 2] + c + t[len(t) // 2:]))

ERA_EDGES = ["昭和64年1月7日", "昭和64年1月8日", "平成元年1月8日", "平成31年4月30日", "平成31年5月1日",
             "令和元年5月1日", "令和元年4月30日", "令和0年1月1日", "R1.5.1", "H31.4.30", "H31.5.1",
             "S64.1.8", "M45.7.30", "T1.7.30", "明治元年1月1日", "令和99年12月31日", "令和８年１２月９日",
             "R8.2.29", "R8.2.30", "2026-02-30", "2024-02-29", "0001-01-01", "9999-12-31",
             "10000-01-01", "1868-01-24", "1873-01-01", "2026/13/01", "2026-12-09T25:61",
             "2026-12-09 14:00", "R8.12.9 24:00", "令和八年十二月九日", "", " ", "-", "0", "昭和",
             "1e9", "２０２６－１２－０９"]
odd_dates = st.one_of(
    st.sampled_from(ERA_EDGES),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(lambda d: d.isoformat()),
    st.dates(min_value=dt.date(1868, 10, 23), max_value=dt.date(2100, 12, 31)).map(format_wareki),
    st.dates(min_value=dt.date(1868, 10, 23), max_value=dt.date(2100, 12, 31))
    .map(lambda d: format_wareki(d, "short")),
)
odd_integers = st.one_of(
    st.sampled_from(["99999999999999999999", "9223372036854775807", "9223372036854775808",
                     "-9223372036854775809", "-1", "0", "1e9", "1E400", "NaN", "inf", "-0",
                     "１２３", "1,000", "0x1F", "1_000", " 7 ", "٣", "二"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
hostile_value = st.one_of(japanese_text, control_text, huge_text, odd_dates, odd_integers,
                          st.sampled_from(INJECTION))
