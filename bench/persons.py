"""Synthetic persons for 名寄せ benchmarks: N persons in 重ね市, duplicates with known truth.

``generate(n, seed=…)`` is deterministic. Persons live in households (shared surname,
address, landline; twins share a birth date). About 12 % of persons get 1–2 extra records
"registered by another agency", with the noise seen in real registers: 異体字 (髙/高, 﨑/崎,
齋/斎/斉, 邊/辺, 澤/沢 …), ひらがな/ｶﾀｶﾅ/全角, stray spaces, kana typos (濁点 loss, 長音
ウ/ー, small kana, one wrong or missing kana), homophone kanji (博/浩), birth day/month swap,
day typo, year off by one, missing fields, moves and new phones. Hard negatives are added on
purpose: same name with another birth date, same name and birth year, and twins.

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

from kasane.core.linkage import PersonRecord
from kasane.core.text import ITAIJI

REFERENCE_DATE = date(2025, 4, 1)
CITY = "重ね市"
PREFECTURE = "東京都"

# ~200 common surnames in rank order (kanji:reading); frequency ∝ 1/(rank+6)^0.85 below.
SURNAMES = """
佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 伊藤:イトウ 渡辺:ワタナベ 山本:ヤマモト
中村:ナカムラ 小林:コバヤシ 加藤:カトウ 吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ
松本:マツモト 井上:イノウエ 木村:キムラ 林:ハヤシ 斎藤:サイトウ 清水:シミズ 山崎:ヤマザキ
森:モリ 池田:イケダ 橋本:ハシモト 阿部:アベ 石川:イシカワ 山下:ヤマシタ 中島:ナカジマ
石井:イシイ 小川:オガワ 前田:マエダ 岡田:オカダ 長谷川:ハセガワ 藤田:フジタ 後藤:ゴトウ
近藤:コンドウ 村上:ムラカミ 遠藤:エンドウ 青木:アオキ 坂本:サカモト 斉藤:サイトウ 福田:フクダ
太田:オオタ 西村:ニシムラ 藤井:フジイ 金子:カネコ 岡本:オカモト 藤原:フジワラ 中野:ナカノ
三浦:ミウラ 原田:ハラダ 中川:ナカガワ 松田:マツダ 竹内:タケウチ 小野:オノ 田村:タムラ
中山:ナカヤマ 和田:ワダ 石田:イシダ 森田:モリタ 上田:ウエダ 原:ハラ 内田:ウチダ 柴田:シバタ
酒井:サカイ 宮崎:ミヤザキ 横山:ヨコヤマ 高木:タカギ 安藤:アンドウ 宮本:ミヤモト 大野:オオノ
小島:コジマ 工藤:クドウ 谷口:タニグチ 今井:イマイ 高田:タカダ 丸山:マルヤマ 増田:マスダ
杉山:スギヤマ 村田:ムラタ 大塚:オオツカ 小山:コヤマ 藤本:フジモト 平野:ヒラノ 新井:アライ
河野:コウノ 上野:ウエノ 武田:タケダ 野口:ノグチ 松井:マツイ 千葉:チバ 岩崎:イワサキ
菅原:スガワラ 木下:キノシタ 久保:クボ 佐野:サノ 野村:ノムラ 松尾:マツオ 市川:イチカワ
菊地:キクチ 杉本:スギモト 古川:フルカワ 大西:オオニシ 島田:シマダ 水野:ミズノ 桜井:サクライ
高野:タカノ 渡部:ワタナベ 吉川:ヨシカワ 山内:ヤマウチ 西田:ニシダ 飯田:イイダ 菊池:キクチ
西川:ニシカワ 小松:コマツ 北村:キタムラ 安田:ヤスダ 五十嵐:イガラシ 川口:カワグチ 平田:ヒラタ
関:セキ 中田:ナカタ 久保田:クボタ 服部:ハットリ 東:ヒガシ 岩田:イワタ 土屋:ツチヤ 川崎:カワサキ
福島:フクシマ 本田:ホンダ 辻:ツジ 樋口:ヒグチ 秋山:アキヤマ 田口:タグチ 永井:ナガイ 山中:ヤマナカ
中西:ナカニシ 吉村:ヨシムラ 川上:カワカミ 石原:イシハラ 大橋:オオハシ 松岡:マツオカ 馬場:ババ
浜田:ハマダ 森本:モリモト 星野:ホシノ 矢野:ヤノ 浅野:アサノ 大久保:オオクボ 松下:マツシタ
吉井:ヨシイ 小池:コイケ 野田:ノダ 荒木:アラキ 大谷:オオタニ 内藤:ナイトウ 松浦:マツウラ
熊谷:クマガイ 黒田:クロダ 尾崎:オザキ 永田:ナガタ 川村:カワムラ 望月:モチヅキ 田辺:タナベ
松村:マツムラ 荒井:アライ 堀:ホリ 大島:オオシマ 平井:ヒライ 早川:ハヤカワ 菅野:カンノ
栗原:クリハラ 西山:ニシヤマ 広瀬:ヒロセ 横田:ヨコタ 石橋:イシバシ 萩原:ハギワラ 岩本:イワモト
片山:カタヤマ 関口:セキグチ 宮田:ミヤタ 大石:オオイシ 本間:ホンマ 須藤:スドウ 高山:タカヤマ
岡崎:オカザキ 小田:オダ 吉岡:ヨシオカ 宮下:ミヤシタ 小沢:オザワ 中沢:ナカザワ 滝沢:タキザワ
富田:トミタ 柳田:ヤナギダ 桑原:クワバラ 沢田:サワダ 国分:コクブン 島村:シマムラ 中嶋:ナカジマ
齋藤:サイトウ 長田:ナガタ 曽根:ソネ 浜野:ハマノ 高瀬:タカセ 渡邊:ワタナベ 宮沢:ミヤザワ
"""

# Given names per sex and era of birth (≤1955, 1956–1985, ≥1986); frequency ∝ 1/(rank+4).
MALE = {
    "old": """清:キヨシ 茂:シゲル 博:ヒロシ 実:ミノル 勇:イサム 弘:ヒロシ 進:ススム 正:タダシ
明:アキラ 豊:ユタカ 武:タケシ 勝:マサル 修:オサム 三郎:サブロウ 次郎:ジロウ 一郎:イチロウ
正雄:マサオ 和夫:カズオ 昭:アキラ 稔:ミノル 隆:タカシ 勲:イサオ 忠:タダシ 義雄:ヨシオ
幸雄:ユキオ 秀夫:ヒデオ 敏夫:トシオ 健二:ケンジ 国男:クニオ 光男:ミツオ 信夫:ノブオ
久雄:ヒサオ 昇:ノボル 寛:ヒロシ 浩:ヒロシ 孝:タカシ 功:イサオ 広志:ヒロシ 達夫:タツオ
正義:マサヨシ 良一:リョウイチ 健一:ケンイチ 静夫:シズオ 春男:ハルオ 栄一:エイイチ 実男:ジツオ
邦夫:クニオ 哲夫:テツオ 喜一:キイチ 政夫:マサオ 満:ミツル 弘之:ヒロユキ 龍男:タツオ
恒夫:ツネオ 和男:カズオ 徳治:トクジ 寿男:トシオ 真一:シンイチ 廣:ヒロシ 實:ミノル
秀雄:ヒデオ 善治:ゼンジ 重雄:シゲオ 時男:トキオ""",
    "mid": """誠:マコト 浩:ヒロシ 健一:ケンイチ 大輔:ダイスケ 哲也:テツヤ 直樹:ナオキ 和也:カズヤ
達也:タツヤ 剛:ツヨシ 学:マナブ 聡:サトシ 徹:トオル 亮:リョウ 修一:シュウイチ 隆之:タカユキ
裕之:ヒロユキ 浩二:コウジ 雅之:マサユキ 一樹:カズキ 伸也:シンヤ 淳:ジュン 英樹:ヒデキ
康弘:ヤスヒロ 智之:トモユキ 正樹:マサキ 秀樹:ヒデキ 大介:ダイスケ 拓也:タクヤ 洋平:ヨウヘイ
健:ケン 浩之:ヒロユキ 俊介:シュンスケ 真一:シンイチ 博之:ヒロユキ 亮介:リョウスケ 慎一:シンイチ
貴之:タカユキ 剛志:タケシ 智:サトシ 敦:アツシ 武志:タケシ 隆:タカシ 崇:タカシ 修:オサム
大樹:ダイキ 和彦:カズヒコ 克也:カツヤ 雄一:ユウイチ 洋介:ヨウスケ 健二:ケンジ 浩一:コウイチ
賢治:ケンジ 竜也:タツヤ 俊之:トシユキ 純一:ジュンイチ 茂樹:シゲキ 光:ヒカル 淳一:ジュンイチ
勝也:カツヤ 卓也:タクヤ 信也:シンヤ 孝之:タカユキ 昌弘:マサヒロ 裕二:ユウジ 恵一:ケイイチ""",
    "young": """翔太:ショウタ 大翔:ヒロト 蓮:レン 悠真:ユウマ 陽翔:ハルト 湊:ミナト 拓海:タクミ
翔:ショウ 大樹:ダイキ 健太:ケンタ 優斗:ユウト 颯太:ソウタ 樹:イツキ 陸:リク 悠斗:ユウト
海斗:カイト 蒼:アオイ 陽太:ヨウタ 大和:ヤマト 翼:ツバサ 駿:シュン 涼太:リョウタ 直人:ナオト
一輝:カズキ 龍之介:リュウノスケ 竜也:タツヤ 凌:リョウ 悠人:ユウト 奏太:ソウタ 瑛太:エイタ
颯:ハヤテ 蒼空:ソラ 大雅:タイガ 隼人:ハヤト 航:ワタル 雄大:ユウダイ 康介:コウスケ 優太:ユウタ
亮太:リョウタ 大地:ダイチ 悠:ユウ 湊斗:ミナト 陸斗:リクト 晴:ハル 朝陽:アサヒ 結翔:ユイト
碧:アオイ 律:リツ 新:アラタ 蒼真:ソウマ 怜:レイ 伊吹:イブキ 健斗:ケント 圭:ケイ 楓:カエデ
智也:トモヤ 和真:カズマ 将太:ショウタ 祐介:ユウスケ 拓真:タクマ 遼:リョウ 晃:アキラ""",
}
FEMALE = {
    "old": """和子:カズコ 幸子:サチコ 節子:セツコ 弘子:ヒロコ 洋子:ヨウコ 美智子:ミチコ 京子:キョウコ
恵子:ケイコ 久子:ヒサコ 文子:フミコ 悦子:エツコ 芳子:ヨシコ 清子:キヨコ 富子:トミコ 千代子:チヨコ
良子:ヨシコ 静子:シズコ 光子:ミツコ 典子:ノリコ 陽子:ヨウコ 信子:ノブコ 君子:キミコ 正子:マサコ
久美子:クミコ 澄子:スミコ 登美子:トミコ ハル:ハル キヨ:キヨ トメ:トメ ミツ:ミツ 春子:ハルコ
昭子:アキコ 敏子:トシコ 貞子:サダコ 美代子:ミヨコ 百合子:ユリコ 栄子:エイコ 房子:フサコ
寿子:ヒサコ 喜代子:キヨコ 八重子:ヤエコ 照子:テルコ 千恵子:チエコ 道子:ミチコ 孝子:タカコ
勝子:カツコ 恵美子:エミコ 秋子:アキコ 冬子:フユコ 美恵子:ミエコ 満子:ミツコ 律子:リツコ
トシ:トシ フミ:フミ 綾子:アヤコ 政子:マサコ 絹子:キヌコ 雪子:ユキコ 睦子:ムツコ 惠子:ケイコ""",
    "mid": """恵美:エミ 裕子:ユウコ 由美子:ユミコ 直美:ナオミ 真由美:マユミ 智子:トモコ 美香:ミカ
明美:アケミ 由美:ユミ 香織:カオリ 恵:メグミ 優子:ユウコ 順子:ジュンコ 聡子:サトコ 理恵:リエ
真理子:マリコ 綾:アヤ 美穂:ミホ 純子:ジュンコ 敦子:アツコ 千秋:チアキ 尚美:ナオミ 亜希子:アキコ
朋子:トモコ 雅美:マサミ 麻美:アサミ 佳子:ヨシコ 奈美:ナミ 沙織:サオリ 祐子:ユウコ 美紀:ミキ
真紀:マキ 陽子:ヨウコ 久美子:クミコ 由紀:ユキ 恭子:キョウコ 直子:ナオコ 裕美:ヒロミ 浩子:ヒロコ
美由紀:ミユキ 幸恵:ユキエ 愛:アイ 知子:トモコ 里美:サトミ 弥生:ヤヨイ 晴美:ハルミ 環:タマキ
静香:シズカ 瞳:ヒトミ 舞:マイ 紀子:ノリコ 典子:ノリコ 明子:アキコ 理香:リカ 加奈子:カナコ
志保:シホ 望:ノゾミ 美奈子:ミナコ 友美:トモミ 睦美:ムツミ 貴子:タカコ 絵美:エミ 薫:カオル""",
    "young": """美咲:ミサキ 結衣:ユイ 陽菜:ヒナ 葵:アオイ 凛:リン 結菜:ユイナ さくら:サクラ 愛:アイ
彩:アヤ 七海:ナナミ 美優:ミユ 萌:モエ 舞:マイ 遥:ハルカ 花音:カノン 芽依:メイ 莉子:リコ
心春:コハル 彩花:アヤカ 真央:マオ 優花:ユウカ 美月:ミヅキ 楓:カエデ 杏:アン 菜々子:ナナコ
桜:サクラ 琴音:コトネ 千尋:チヒロ 瑞希:ミズキ 日向:ヒナタ 紬:ツムギ 澪:ミオ 芽衣:メイ 咲良:サクラ
結愛:ユア 彩乃:アヤノ 美羽:ミウ 莉央:リオ 陽葵:ヒマリ 杏奈:アンナ 未来:ミライ 優奈:ユウナ
栞:シオリ 菜摘:ナツミ 里奈:リナ 麻衣:マイ 愛美:マナミ 沙希:サキ 香奈:カナ 奈々:ナナ 友香:ユカ
真由:マユ 若菜:ワカナ 彩香:アヤカ 明日香:アスカ 夏美:ナツミ 千夏:チナツ 絢子:アヤコ 詩織:シオリ""",
}

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


def _table(text: str) -> list[tuple[str, str]]:
    return [tuple(item.split(":")) for item in text.split()]  # type: ignore[misc]


SURNAME_TABLE = _table(SURNAMES)
SURNAME_WEIGHTS = [1 / (rank + 6) ** 0.85 for rank in range(len(SURNAME_TABLE))]
GIVEN = {sex: {era: _table(t) for era, t in table.items()}
         for sex, table in (("M", MALE), ("F", FEMALE))}
GIVEN_WEIGHTS = {sex: {era: [1 / (r + 4) for r in range(len(t))] for era, t in eras.items()}
                 for sex, eras in GIVEN.items()}
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
        return self.rng.choices(GIVEN[sex][era], weights=GIVEN_WEIGHTS[sex][era])[0]

    def surname(self) -> tuple[str, str]:
        return self.rng.choices(SURNAME_TABLE, weights=SURNAME_WEIGHTS)[0]

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
             "|".join(rec.household), data.truth[rec.id]) for rec in data.records]


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
