"""Synthetic persons for 名寄せ benchmarks: N persons in 重ね市, duplicates with known truth.

``generate(n, seed=…)`` is deterministic. Persons live in households (shared surname,
address, landline; twins share a birth date). About 12 % of persons get 1–2 extra records
"registered by another agency", with the noise seen in real registers: 異体字 (髙/高, 﨑/崎,
齋/斎/斉, 邊/辺, 澤/沢 …), ひらがな/ｶﾀｶﾅ/全角, stray spaces, kana typos (濁点 loss, 長音
ウ/ー, small kana, one wrong or missing kana), homophone kanji (博/浩), birth day/month swap,
day typo, year off by one, missing fields, moves and new phones. Hard negatives are added on
purpose: same name with another birth date, same name and birth year, and twins. Surnames
and given names (by sex and era of birth) are drawn with realistic frequencies from
``bench/names.py`` (sources and rationale there): ~4,900 surnames with 佐藤 at 1.4 %, and
1,400–2,800 given names per sex and era, none above ≈ 2 %.

``./kasane bench persons --scale N [--seed S] [--out FILE.csv]`` writes them as CSV.
"""

from __future__ import annotations

import csv
import io
import random
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from bench.names import cumulative, given_tables, surname_table
from kasane.core.linkage import PersonRecord
from kasane.core.text import ITAIJI

REFERENCE_DATE = date(2025, 4, 1)
CITY = "重ね市"
PREFECTURE = "東京都"

_TOWN_TEXT = ("本町 中央 栄町 旭町 緑が丘 桜台 東町 西町 南町 北町 若葉 松原 青葉台 富士見 川端 宮前 泉町 "
         "大原 新田 上町 下町 朝日 白山 寿町 日の出町 仲町 柳町 清水が丘 小金井台 光が丘 梅園 "
         "竹ノ内 花見台 双葉 春日 住吉 天神 八幡 稲荷町 見晴台 高砂 常盤 錦町 千歳 弥生町")
TOWNS = tuple(_TOWN_TEXT.split())
BUILDINGS = ("コーポ", "ハイツ", "メゾン", "グランドパレス", "サンライズ", "パークハイム", "レジデンス",
             "荘", "団地")
# Age pyramid (Japan 2020, millions per 5-year band 0–4 … 95–99).
AGE_BANDS = (4.5, 5.0, 5.3, 5.7, 6.3, 6.4, 6.8, 7.6, 8.5, 9.7, 8.6, 7.9, 7.4, 8.4, 9.0, 7.0,
             5.4, 3.7, 1.9, 0.6)
KNUM = "〇一二三四五六七八九"


SURNAME_TABLE, SURNAME_SHARES = surname_table()
SURNAME_CUM = cumulative(SURNAME_SHARES)
GIVEN_TABLES = given_tables()
GIVEN = {sex: {era: names for era, (names, _) in eras.items()} for sex, eras in GIVEN_TABLES.items()}
GIVEN_CUM = {sex: {era: cumulative(shares) for era, (_, shares) in eras.items()}
             for sex, eras in GIVEN_TABLES.items()}
# Kanji with the same reading, for "heard over the phone" errors (博/浩/弘 → ヒロシ).
HOMOPHONES: dict[str, list[str]] = {}
for _eras in GIVEN.values():
    for _names in _eras.values():
        for _kanji, _kana in _names:
            HOMOPHONES.setdefault(_kana, [])
            if _kanji not in HOMOPHONES[_kana]:
                HOMOPHONES[_kana].append(_kanji)
# 異体字 groups from the folding table: 高 ↔ 髙, 崎 ↔ 﨑 嵜 碕, 斉 ↔ 齋 齊 斎 …
_GROUPS: dict[str, list[str]] = {}
for _v, _s in ITAIJI.items():
    _GROUPS.setdefault(_s, [_s]).append(_v)
VARIANTS = {c: [m for m in group if m != c] for group in _GROUPS.values() for c in group}


@dataclass(slots=True)
class Person:
    family: str
    family_kana: str
    given: str
    given_kana: str
    birth: date
    address: tuple  # (town, chome, ban, go, building, room)
    phone: str
    household: int
    members: list[int]


@dataclass(slots=True)
class Dataset:
    records: list[PersonRecord]
    truth: list[int]  # truth[record.id] = person (cluster) number

    def true_pairs(self) -> set[tuple[int, int]]:
        """Every pair of record ids (smaller first) that belong to the same person."""
        clusters: dict[int, list[int]] = {}
        for rid, person in enumerate(self.truth):
            clusters.setdefault(person, []).append(rid)
        return {(a, b) for ids in clusters.values() if len(ids) > 1
                for i, a in enumerate(ids) for b in ids[i + 1:]}


def towns_for(n: int) -> tuple[str, ...]:
    """Town names (町名) for a city of n persons: about one 町 per 2,500 persons (a real 町丁目
    holds ~500–3,000), so a city of 1M has ~400 towns, not 45 overflowing ones."""
    towns = list(TOWNS)
    for prefix in "東西南北新上下中元":
        if len(towns) >= n // 2500:
            break
        towns += [prefix + t for t in TOWNS if not t.startswith(prefix)]
    return tuple(towns[:max(len(TOWNS), n // 2500)])


class _Gen:
    def __init__(self, seed: int, n: int = 0) -> None:
        self.rng = random.Random(seed)
        self.persons: list[Person] = []
        self.phones: set[str] = set()
        self.towns = towns_for(n)

    # --- values -------------------------------------------------------------------------
    def age(self) -> int:
        band = self.rng.choices(range(len(AGE_BANDS)), weights=AGE_BANDS)[0]
        return band * 5 + self.rng.randrange(5)

    def birth(self, age: int) -> date:
        return REFERENCE_DATE - timedelta(days=age * 365 + self.rng.randrange(365))

    def given(self, sex: str, birth: date) -> tuple[str, str]:
        era = "old" if birth.year <= 1955 else "mid" if birth.year <= 1985 else "young"
        return self.rng.choices(GIVEN[sex][era], cum_weights=GIVEN_CUM[sex][era])[0]

    def surname(self) -> tuple[str, str]:
        return self.rng.choices(SURNAME_TABLE, cum_weights=SURNAME_CUM)[0]

    def phone(self, mobile: bool) -> str:
        while True:
            r = self.rng
            p = (f"0{r.choice('789')}0{r.randrange(10**8):08d}" if mobile
                 else f"042{r.randrange(300, 1000)}{r.randrange(10**4):04d}")
            if p not in self.phones:
                self.phones.add(p)
                return p

    def address(self) -> tuple:
        r = self.rng
        town = r.choice(self.towns)
        chome, ban, go = r.randint(1, 6), r.randint(1, 50), r.randint(1, 40)
        if r.random() < 0.3:
            return (town, chome, ban, go, r.choice(TOWNS[:12]) + r.choice(BUILDINGS),
                    r.randint(1, 5) * 100 + r.randint(1, 8))
        return (town, chome, ban, go, "", 0)

    # --- persons --------------------------------------------------------------------------
    def add(self, family: tuple[str, str], given: tuple[str, str], birth: date, address: tuple,
            phone: str, household: int) -> Person:
        p = Person(family[0], family[1], given[0], given[1], birth, address, phone, household, [])
        self.persons.append(p)
        return p

    def household(self, hid: int) -> list[Person]:
        r = self.rng
        size = r.choices((1, 2, 3, 4, 5), weights=(38, 28, 17, 12, 5))[0]
        family = self.surname()
        address = self.address()
        landline = self.phone(False) if r.random() < 0.55 else ""
        head_age = max(18, self.age()) if size == 1 else r.randint(25, 85)
        sex = r.choice("MF")
        members: list[tuple[str, date]] = [(sex, self.birth(head_age))]
        if size >= 2:
            members.append(("F" if sex == "M" else "M",
                            self.birth(max(18, head_age + r.randint(-6, 6)))))
        twins = size >= 4 and r.random() < 0.08
        for k in range(size - 2):
            child_age = max(0, head_age - r.randint(22, 40))
            if twins and k == 1:
                members.append((r.choice("MF"), members[-1][1]))  # twin: same birth date
            else:
                members.append((r.choice("MF"), self.birth(child_age)))
        out: list[Person] = []
        used: set[str] = set()
        for sx, birth in members:
            given = self.given(sx, birth)
            while given[1] in used:  # parents do not give two children one name
                given = self.given(sx, birth)
            used.add(given[1])
            age = (REFERENCE_DATE - birth).days // 365
            mobile = self.phone(True) if age >= 15 and r.random() < 0.85 else ""
            phone = landline if landline and (not mobile or r.random() < 0.5) else mobile
            out.append(self.add(family, given, birth, address, phone, hid))
        ids = [len(self.persons) - len(out) + i for i in range(len(out))]
        for i, p in zip(ids, out, strict=True):
            p.members = [j for j in ids if j != i]
        return out

    def hard_negative(self, hid: int) -> None:
        """Same name as someone else, other birth date (sometimes the same birth year)."""
        r = self.rng
        other = self.persons[r.randrange(len(self.persons))]
        if r.random() < 0.5:
            birth = date(other.birth.year, r.randint(1, 12), r.randint(1, 28))
        else:
            birth = self.birth(self.age())
        if birth == other.birth:
            birth += timedelta(days=1)
        self.add((other.family, other.family_kana), (other.given, other.given_kana), birth,
                 self.address(), self.phone(r.random() < 0.8), hid)

    # --- rendering: one agency's registration of a person ---------------------------------
    def kanji(self, s: str, noisy: bool) -> str:
        r = self.rng
        if noisy and r.random() < 0.45:
            s = "".join(r.choice(VARIANTS[c]) if c in VARIANTS else c for c in s)
        return s

    def kana(self, s: str, noisy: bool) -> str:
        r = self.rng
        if noisy and r.random() < 0.12:
            s = _kana_typo(r, s)
        roll = r.random()
        if roll < 0.2:
            s = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in s)  # ひらがな
        elif roll < 0.32:
            s = "".join(_HALF.get(c, c) for c in s)
        if r.random() < 0.05:
            s = s + r.choice((" ", "\u3000"))
        return s

    def address_text(self, a: tuple) -> str:
        r = self.rng
        town, chome, ban, go, building, room = a
        style = r.random()
        if style < 0.35:
            body = f"{town}{chome}丁目{ban}番{go}号"
        elif style < 0.55:
            body = f"{town}{chome}-{ban}-{go}"
        elif style < 0.65:
            body = f"{town}{_zen(chome)}－{_zen(ban)}－{_zen(go)}"
        elif style < 0.8:
            body = f"{town}{_kanji_num(chome)}丁目{ban}番地{go}"
        elif style < 0.9:
            body = f"{town}{_kanji_num(chome)}丁目{_kanji_num(ban)}番{_kanji_num(go)}号"
        else:
            body = f"{town}{chome}丁目{ban}-{go}"
        if building:
            body += r.choice((f" {building}{room}号室", f"{building} {room}", f"　{building}{room}"))
        prefix = r.choice((f"{PREFECTURE}{CITY}", CITY, f"{PREFECTURE}{CITY}", ""))
        return prefix + body

    def phone_text(self, p: str) -> str:
        if not p:
            return ""
        r = self.rng
        cut = (3, 7) if p.startswith("0") and p[1] in "789" else (3, 6)
        a, b, c = p[:cut[0]], p[cut[0]:cut[1]], p[cut[1]:]
        return r.choice((f"{a}-{b}-{c}", p, f"{a}({b}){c}", _zen(f"{a}-{b}-{c}")))

    def record(self, rid: int, person: Person, noisy: bool) -> PersonRecord:
        r = self.rng
        given = person.given
        if noisy and r.random() < 0.04 and len(HOMOPHONES.get(person.given_kana, ())) > 1:
            given = r.choice([k for k in HOMOPHONES[person.given_kana] if k != given])
        family_name, given_name = self.kanji(person.family, noisy), self.kanji(given, noisy)
        family_kana = self.kana(person.family_kana, noisy)
        given_kana = self.kana(person.given_kana, noisy)
        if r.random() < (0.08 if noisy else 0.03):
            family_kana = given_kana = ""  # this agency wrote no フリガナ
        elif noisy and r.random() < 0.04:
            family_name = given_name = ""  # name heard on the phone, kana only
        birth: date | None = person.birth
        address, phone = person.address, person.phone
        if noisy:
            roll = r.random()
            if roll < 0.06:
                birth = None
            elif roll < 0.10 and person.birth.day <= 12 and person.birth.day != person.birth.month:
                birth = date(person.birth.year, person.birth.day, person.birth.month)
            elif roll < 0.13:
                birth = person.birth.replace(day=1 + (person.birth.day + r.randint(0, 26)) % 28)
            elif roll < 0.15 and not (person.birth.month == 2 and person.birth.day == 29):
                birth = person.birth.replace(year=person.birth.year + r.choice((-1, 1)))
            if r.random() < 0.15:
                address = self.address()  # moved
            if r.random() < 0.25:
                phone = self.phone(r.random() < 0.7)  # new phone or another one of theirs
        elif r.random() < 0.01:
            birth = None
        address_text = "" if r.random() < (0.08 if noisy else 0.02) else self.address_text(address)
        phone_text = "" if r.random() < (0.2 if noisy else 0.1) else self.phone_text(phone)
        household: tuple[str, ...] = ()
        if person.members and r.random() < 0.25:
            others = [self.persons[m] for m in person.members if m < len(self.persons)]
            household = tuple(
                r.choice((o.given, o.given_kana, f"{o.family} {o.given}")) for o in others)
        return PersonRecord(rid, family_name, given_name, family_kana, given_kana, birth,
                            phone_text, address_text, household)


_HALF = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF66, 0xFF9E)}
_HALF.update({"ガ": "ｶﾞ", "ギ": "ｷﾞ", "グ": "ｸﾞ", "ゲ": "ｹﾞ", "ゴ": "ｺﾞ", "ザ": "ｻﾞ", "ジ": "ｼﾞ",
              "ズ": "ｽﾞ", "ゼ": "ｾﾞ", "ゾ": "ｿﾞ", "ダ": "ﾀﾞ", "ヂ": "ﾁﾞ", "ヅ": "ﾂﾞ", "デ": "ﾃﾞ",
              "ド": "ﾄﾞ", "バ": "ﾊﾞ", "ビ": "ﾋﾞ", "ブ": "ﾌﾞ", "ベ": "ﾍﾞ", "ボ": "ﾎﾞ", "パ": "ﾊﾟ",
              "ピ": "ﾋﾟ", "プ": "ﾌﾟ", "ペ": "ﾍﾟ", "ポ": "ﾎﾟ"})
_UNVOICE = {v: unicodedata.normalize("NFD", v)[0] for v in "ガギグゲゴザジズゼゾダヂヅデドバビブベボ"}
_SMALL = dict(zip("ャュョッ", "ヤユヨツ", strict=True))
_OU_ROW = set("オコソトノホモヨロゴゾドボポョウクスツヌフムユルグズブプュ")
_NEAR = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"


def _kana_typo(r: random.Random, s: str) -> str:
    """One realistic reading error: 濁点 lost, 長音 ウ↔ー, small kana written large, a wrong or
    missing kana."""
    kinds = []
    if any(c in _UNVOICE for c in s):
        kinds.append("voice")
    if any(s[i] == "ウ" and s[i - 1] in _OU_ROW for i in range(1, len(s))) or "ー" in s:
        kinds.append("long")
    if any(c in _SMALL for c in s):
        kinds.append("small")
    if len(s) >= 3:
        kinds += ["wrong", "drop"]
    if not kinds:
        return s
    kind = r.choice(kinds)
    if kind == "voice":
        i = r.choice([i for i, c in enumerate(s) if c in _UNVOICE])
        return s[:i] + _UNVOICE[s[i]] + s[i + 1:]
    if kind == "long":
        if "ー" in s:
            return s.replace("ー", "ウ", 1)
        i = next(i for i in range(1, len(s)) if s[i] == "ウ" and s[i - 1] in _OU_ROW)
        return s[:i] + "ー" + s[i + 1:]
    if kind == "small":
        return "".join(_SMALL.get(c, c) for c in s)
    i = r.randrange(1, len(s))
    if kind == "wrong":
        return s[:i] + r.choice(_NEAR) + s[i + 1:]
    return s[:i] + s[i + 1:]


def _zen(x: object) -> str:
    return str(x).translate(str.maketrans("0123456789-()", "０１２３４５６７８９－（）"))


def _kanji_num(n: int) -> str:
    """1 → 一, 12 → 十二, 40 → 四十 (address style)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 0 else "十" if tens == 1 else KNUM[tens] + "十")
            + (KNUM[ones] if ones else ""))


def generate(n: int, *, seed: int = 1, duplicate_rate: float = 0.12,
             hard_negative_rate: float = 0.015) -> Dataset:
    """N persons, their records (1 each, plus 1–2 more for ``duplicate_rate`` of them) and the
    truth. Same arguments → same data. Record ids are 0..len-1 in shuffled order."""
    g = _Gen(seed, n)
    r = g.rng
    hid = 0
    while len(g.persons) < n:
        if g.persons and r.random() < hard_negative_rate:
            g.hard_negative(hid)
        else:
            g.household(hid)
        hid += 1
    del g.persons[n:]
    plan: list[tuple[int, bool]] = []
    for pid in range(n):
        plan.append((pid, False))
        if r.random() < duplicate_rate:
            plan.extend([(pid, True)] * (2 if r.random() < 0.3 else 1))
    r.shuffle(plan)
    records = [g.record(rid, g.persons[pid], noisy) for rid, (pid, noisy) in enumerate(plan)]
    return Dataset(records, [pid for pid, _ in plan])


COLUMNS = ("unique_id", "family_name", "given_name", "family_kana", "given_kana", "birth_date",
           "phone", "address", "household", "cluster")


def rows(data: Dataset) -> list[tuple]:
    return [(rec.id, rec.family_name, rec.given_name, rec.family_kana, rec.given_kana,
             rec.birth_date.isoformat() if rec.birth_date else "", rec.phone, rec.address,
             "|".join(rec.household), data.truth[cast(int, rec.id)]) for rec in data.records]


def write_csv(data: Dataset, out: io.TextIOBase | None = None) -> None:
    w = csv.writer(out or sys.stdout)
    w.writerow(COLUMNS)
    w.writerows(rows(data))


def main(argv: list[str]) -> int:
    from bench._common import parse_args

    args = parse_args(argv, {"scale": 1000}, extra=[("--out", str, "")],
                      description="名寄せベンチマーク用の架空の住民データを CSV で出力します。")
    data = generate(args.scale, seed=args.seed)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            write_csv(data, fh)
        print(f"{len(data.records)} records of {args.scale} persons → {args.out}",
              file=sys.stderr)
    else:
        write_csv(data)
    return 0
