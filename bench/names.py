"""Japanese name frequencies for ``bench/persons.py``: surnames and given names by era of birth.

**Surnames.** Published counts (surname dictionaries built from telephone directories and
resident data, e.g. 明治安田生命 and 名字由来net, ~2018) agree on the head: 佐藤 ≈ 1.5 % of
Japan's population, 鈴木 ≈ 1.4 %, 高橋 ≈ 1.1 %, 田中 ≈ 1.1 %, 伊藤/渡辺/山本/中村/小林 ≈ 0.8–0.9 %,
加藤 ≈ 0.7 %; the top 100 hold roughly a third of the population; Japan has ~100,000
surnames. The 200 listed surnames keep their rank order and the old Zipf-like shape
1/(rank + 6)^0.85, which fits those anchors (rank 1 : 10 : 100 ≈ 1.5 : 0.7 : 0.14 %), but the
curve now goes on past rank 200 instead of being cut there and renormalized (which had put
佐藤 at 3.1 %): 佐藤 1.43 %, top 100 ≈ 31.5 %, top 200 ≈ 40.7 % (what the curve gives at rank
200, consistent with "top 100 ≈ one third"), so ≈ 59 % of persons carry one of ~4,700 tail
surnames (ranks 201…4,915, shares 0.07 % down to 0.005 %): two common surname elements
(上/下/大/小/北/…/田/山/川/村/本/…) with their usual kun readings and rendaku where it is
common (川 ガワ, 崎 ザキ, 島 ジマ, 田 ダ, 沢 ザワ …; chosen per name by a fixed hash), plus
one-character ones (岸, 星, 堤 …). A real tail is longer (tens of thousands of names below
0.001 %), but coincidental namesakes depend on Σ share², which the head dominates (ranks
beyond 200 add 7 % of it; Σ share² over 100,000 generated persons is 0.0019, against
0.0104 with the old list), so the truncated tail understates diversity only slightly.

**Given names** are far more diverse than surnames and change with fashion. Per sex and era
of birth (≤1955, 1956–1985, ≥1986), the listed common names (the old lists) are grouped by
reading and each reading gets its usual kanji variants (ヒロシ: 博 浩 弘 宏 寛 洋 …,
タカシ: 隆 孝 崇 貴 …): 45 % of the persons of an era (30 % of women born ≤1955, whose
-子 names the composed pool already covers) draw a listed reading (weight 1/(rank + 16)) and
one of its spellings (weight 1/position); the others draw a name composed of a typical first
element and an era's typical ending (男/夫/雄 オ, 一 イチ, 之 ユキ, 樹 キ, 也 ヤ, 斗/翔 ト, 太 タ …;
子 コ, 美 ミ, 恵 エ, 香 カ, 菜/奈 ナ, 花 カ …), weight ∝ 1/(i + 15) · 1/(j + 6) for the i-th first
element and j-th ending (an on-reading before a bare vowel ending, ケン+オ, is skipped).
That gives 1,400–2,800 names per sex and era (540 for women born ≤1955); the most common
given name of a sex and era holds 1.1–1.6 % of it (old women's 和子 2.1 %: -子 names were
that concentrated), its most common reading 1.9–3.3 % — in line with yearly rankings (the
top boy's or girl's name of a year is ≈ 0.5–1.5 % of births; an era spans 30 years of
changing fashion, and one reading — ヒロシ, ハルト — is spread over many spellings). Before,
each sex and era had ~60 names with the top one at ≈ 8 % and the top reading at 9–13 %.
"""

from __future__ import annotations

import itertools
import zlib

from kasane.core.text import fold_itaiji

# ~200 common surnames in rank order (kanji:reading).
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
SATO_SHARE = 0.015  # 佐藤, the commonest surname
# Long-tail surname elements, commonest first. First element: kanji:reading[|other reading].
SURNAME_FIRST = """
中:ナカ 山:ヤマ 小:コ|オ 大:オオ 田:タ 松:マツ 上:ウエ|カミ 石:イシ 高:タカ 川:カワ 北:キタ
西:ニシ 吉:ヨシ 岡:オカ 長:ナガ 森:モリ 東:ヒガシ 村:ムラ 藤:フジ 宮:ミヤ 池:イケ 岩:イワ
新:ニイ|アラ 下:シモ 南:ミナミ 竹:タケ 井:イ 木:キ 平:ヒラ 野:ノ 原:ハラ 今:イマ 福:フク
前:マエ 金:カネ 青:アオ 白:シラ 黒:クロ 古:フル 杉:スギ 谷:タニ 浜:ハマ 島:シマ 横:ヨコ
沢:サワ 桜:サクラ 梅:ウメ 林:ハヤシ 永:ナガ 安:ヤス 荒:アラ 菅:スガ 柳:ヤナギ 栗:クリ 桑:クワ
坂:サカ 橋:ハシ 星:ホシ 堀:ホリ 水:ミズ 清:キヨ 富:トミ 広:ヒロ 深:フカ 浅:アサ 片:カタ
丸:マル 寺:テラ 神:カミ 奥:オク 内:ウチ 江:エ 尾:オ 瀬:セ 浦:ウラ 塚:ツカ 岸:キシ 萩:ハギ
菊:キク 笹:ササ 鶴:ツル 亀:カメ 熊:クマ 鳥:トリ 稲:イナ 米:ヨネ 市:イチ 千:チ 赤:アカ
根:ネ 早:ハヤ 秋:アキ 春:ハル 増:マス 芝:シバ 柴:シバ 沼:ヌマ 関:セキ 岸:キシ
"""
# Second element: kanji:reading[|rendaku reading]; the rendaku form is taken for ~60 % of names.
SURNAME_SECOND = """
田:タ|ダ 山:ヤマ 川:カワ|ガワ 村:ムラ 本:モト 井:イ 野:ノ 原:ハラ|バラ 木:キ|ギ 島:シマ|ジマ
崎:サキ|ザキ 沢:サワ|ザワ 谷:タニ|ヤ 岡:オカ 坂:サカ|ザカ 橋:ハシ|バシ 宮:ミヤ 部:ベ 内:ウチ
口:クチ|グチ 尾:オ 塚:ツカ|ヅカ 江:エ 瀬:セ 浦:ウラ 森:モリ 林:ハヤシ|バヤシ 池:イケ 沼:ヌマ
浜:ハマ 石:イシ 岩:イワ 松:マツ 上:カミ|ガミ 下:シタ|シモ 中:ナカ 城:シロ|ジロ 場:バ 間:マ
倉:クラ|グラ 垣:カキ|ガキ 畑:ハタ|バタ 堀:ホリ|ボリ 見:ミ 丸:マル 藤:フジ 里:サト 津:ツ 形:カタ|ガタ
"""
SINGLE_EXTRA = "堤:ツツミ 泉:イズミ 畑:ハタ 岬:ミサキ 峰:ミネ 湊:ミナト 舘:タチ 槙:マキ 桂:カツラ 榊:サカキ"

# Given names per sex and era of birth (≤1955, 1956–1985, ≥1986), commonest first.
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
# More spellings of listed readings (appended after the listed ones, in order of use).
SPELLINGS = """
ヒロシ:博 浩 弘 宏 寛 洋 廣 裕 広 博司 浩志 弘志 キヨシ:清 潔 聖 淳 喜代志 シゲル:茂 繁 滋 成
ミノル:実 稔 實 穣 イサム:勇 勲 勉 ススム:進 晋 将 タダシ:正 忠 匡 直 アキラ:明 昭 晃 章 彰 亮 朗
ユタカ:豊 裕 寛 穣 タケシ:武 健 剛 猛 毅 武志 剛志 健志 マサル:勝 優 賢 将 オサム:修 治 理 収
タカシ:隆 孝 崇 貴 高志 隆志 敬 尚 マコト:誠 真 信 允 諒 サトシ:聡 智 哲 悟 敏 慧 トオル:徹 透 亨 達
ジュン:淳 純 潤 順 準 ケン:健 賢 謙 憲 研 リョウ:亮 涼 良 遼 諒 凌 ケンジ:健二 賢治 健司 憲二 謙二 研二
ケンイチ:健一 賢一 憲一 謙一 研一 シンイチ:真一 慎一 伸一 信一 進一 晋一 コウジ:浩二 孝二 幸治 康二 耕司 浩司
ヒロユキ:弘之 裕之 浩之 博之 宏之 広幸 タカユキ:隆之 貴之 孝之 崇之 高行 カズヤ:和也 一也 和哉 一哉
タツヤ:達也 竜也 達哉 龍也 辰也 ダイスケ:大輔 大介 大祐 ユウト:優斗 悠斗 悠人 勇斗 優人 雄斗
ソウタ:颯太 奏太 蒼太 爽太 壮太 ハルト:陽翔 陽斗 悠斗 晴翔 遥斗 春翔 ヒロト:大翔 大斗 博斗 寛人 浩人
ミナト:湊 湊斗 港 皆人 ユウマ:悠真 優真 佑真 遊馬 ショウタ:翔太 将太 祥太 翔大 レン:蓮 廉 怜 煉
アオイ:蒼 碧 葵 青依 イツキ:樹 一輝 伊織 逸希 タクミ:拓海 匠 巧 拓実 リク:陸 陸斗 理玖 ユウタ:優太 悠太 勇太 雄太
カズオ:和夫 和男 一夫 一男 数男 マサオ:正雄 正夫 政夫 昌夫 雅夫 トシオ:敏夫 寿男 俊夫 利夫
カズコ:和子 一子 数子 ヨシコ:芳子 良子 佳子 好子 美子 義子 ケイコ:恵子 惠子 啓子 敬子 慶子 圭子
ヨウコ:洋子 陽子 容子 葉子 ヒロコ:弘子 浩子 裕子 博子 寛子 宏子 ミチコ:美智子 道子 通子 倫子 路子
ユウコ:裕子 優子 祐子 悠子 有子 夕子 トモコ:智子 朋子 知子 友子 倶子 アキコ:明子 昭子 章子 秋子 晶子 亜希子
エミ:恵美 絵美 英美 笑 江美 ナオミ:直美 尚美 奈緒美 直実 ユミ:由美 裕美 優美 有美 弓 アイ:愛 藍 亜衣 あい
ミサキ:美咲 岬 美沙希 美紗希 ユイ:結衣 唯 由衣 優衣 結 ヒナ:陽菜 日菜 雛 妃菜 ユイナ:結菜 唯菜 優衣奈
サクラ:さくら 桜 咲良 櫻 咲來 リン:凛 凜 鈴 琳 マイ:舞 麻衣 真衣 茉衣 ハルカ:遥 遙 春香 晴香 悠
メイ:芽依 芽衣 明衣 めい ミユ:美優 実優 心優 美結 サチコ:幸子 佐知子 祥子 早智子 セツコ:節子 説子 世津子 勢津子 ノリコ:典子 紀子 則子 法子 範子
"""
# Composed given names: first element (kanji:reading) and the era's endings.
_M_FIRST = """和:カズ 正:マサ 秀:ヒデ 敏:トシ 義:ヨシ 光:ミツ 信:ノブ 久:ヒサ 達:タツ 邦:クニ 哲:テツ
政:マサ 昌:マサ 雅:マサ 恒:ツネ 重:シゲ 武:タケ 勝:カツ 克:カツ 孝:タカ 隆:タカ 貴:タカ
英:ヒデ 俊:トシ 利:トシ 康:ヤス 安:ヤス 泰:ヤス 清:キヨ 輝:テル 照:テル 晴:ハル 春:ハル
文:フミ 典:ノリ 憲:ノリ 直:ナオ 尚:ナオ 智:トモ 友:トモ 知:トモ 浩:ヒロ 博:ヒロ 弘:ヒロ
裕:ヒロ 広:ヒロ 宏:ヒロ 明:アキ 昭:アキ 晃:アキ 善:ヨシ 喜:ヨシ 芳:ヨシ 富:トミ 豊:トヨ
健:ケン 賢:ケン 謙:ケン 徳:トク 忠:タダ 良:ヨシ 辰:タツ 保:ヤス 公:キミ 敬:タカ 守:モリ
伸:ノブ 修:シュウ 章:アキ 純:ジュン 順:ジュン 恵:ケイ 啓:ケイ 圭:ケイ 慎:シン 真:シン 進:シン
幸:ユキ 雄:ユウ 祐:ユウ 耕:コウ 孝:コウ 栄:エイ 精:セイ 誠:セイ 茂:シゲ 則:ノリ 一:カズ"""
_M_END = {
    "old": "男:オ 夫:オ 雄:オ 一:イチ 治:ジ 次:ジ 二:ジ 三:ゾウ 蔵:ゾウ 吉:キチ 太郎:タロウ "
           "次郎:ジロウ 平:ヘイ 作:サク 助:スケ 郎:ロウ 彦:ヒコ 之:ユキ 市:イチ 衛:エ",
    "mid": "一:イチ 二:ジ 治:ジ 司:ジ 之:ユキ 幸:ユキ 行:ユキ 彦:ヒコ 樹:キ 紀:キ 也:ヤ 哉:ヤ "
           "弘:ヒロ 博:ヒロ 宏:ヒロ 明:アキ 人:ト 男:オ 夫:オ 雄:オ 介:スケ 輔:スケ 史:シ 志:シ "
           "典:ノリ 範:ノリ 晴:ハル 隆:タカ 孝:タカ 一郎:イチロウ 太:タ",
}
_M_FIRST_YOUNG = """悠:ユウ 優:ユウ 勇:ユウ 佑:ユウ 陽:ハル 晴:ハル 遥:ハル 春:ハル 大:ダイ 翔:ショウ
将:ショウ 颯:ソウ 蒼:ソウ 奏:ソウ 壮:ソウ 拓:タク 航:コウ 康:コウ 晃:コウ 浩:コウ 健:ケン 賢:ケン
海:カイ 快:カイ 陸:リク 瑛:エイ 英:エイ 結:ユイ 唯:ユイ 琉:リュウ 龍:リュウ 竜:リュウ 隼:ハヤ
涼:リョウ 亮:リョウ 遼:リョウ 諒:リョウ 蓮:レン 煌:コウ 直:ナオ 尚:ナオ 一:カズ 和:カズ 智:トモ
友:トモ 朝:アサ 慎:シン 心:シン 湊:ミナ 光:コウ 敦:アツ 歩:アユ 瞬:シュン 駿:シュン 俊:シュン
凌:リョウ 玲:レイ 怜:レイ 泰:タイ 雅:マサ 昌:マサ 啓:ケイ 圭:ケイ 慶:ケイ 蒼:アオ 悠:ハル"""
_M_END_YOUNG = ("斗:ト 人:ト 翔:ト 太:タ 汰:タ 真:マ 馬:マ 磨:マ 樹:キ 輝:キ 希:キ 貴:キ 也:ヤ 哉:ヤ "
                "弥:ヤ 介:スケ 輔:スケ 佑:スケ 平:ヘイ 吾:ゴ 悟:ゴ 成:セイ 生:セイ 聖:セイ 太郎:タロウ "
                "之介:ノスケ 登:ト")
_F_FIRST = """和:カズ 幸:サチ 節:セツ 弘:ヒロ 洋:ヨウ 美智:ミチ 京:キョウ 恵:ケイ 久:ヒサ 文:フミ
悦:エツ 芳:ヨシ 清:キヨ 富:トミ 千代:チヨ 良:ヨシ 静:シズ 光:ミツ 典:ノリ 陽:ヨウ 信:ノブ
君:キミ 正:マサ 久美:クミ 澄:スミ 登美:トミ 春:ハル 昭:アキ 敏:トシ 貞:サダ 美代:ミヨ
百合:ユリ 栄:エイ 房:フサ 寿:ヒサ 喜代:キヨ 八重:ヤエ 照:テル 千恵:チエ 道:ミチ 孝:タカ
勝:カツ 恵美:エミ 秋:アキ 美恵:ミエ 満:ミツ 律:リツ 綾:アヤ 政:マサ 絹:キヌ 雪:ユキ 睦:ムツ
花:ハナ 鶴:ツル 松:マツ 竹:タケ 梅:ウメ 菊:キク 里:サト 茂:シゲ 玉:タマ 安:ヤス 郁:イク
友:トモ 智:トモ 秀:ヒデ 直:ナオ 浩:ヒロ 裕:ヒロ 博:ヒロ 明:アキ 紀:ノリ 佳:ヨシ 由紀:ユキ"""
_F_FIRST_MID = """由:ユ 真由:マユ 明:アケ 直:ナオ 裕:ヒロ 優:ユウ 里:サト 麻:アサ 奈:ナ 亜:ア
沙:サ 真:マ 美:ミ 千:チ 佐:サ 理:リ 智:トモ 朋:トモ 友:トモ 雅:マサ 晴:ハル 尚:ナオ 久美:クミ
恵:エ 亜希:アキ 香:カ 早:サ 紀:ノリ 幸:ユキ 有:ユ 秀:ヒデ 英:ヒデ 晶:アキ 千:チ 弥:ヤ"""
_F_END = {
    "old": "子:コ 子:コ 子:コ 子:コ 代:ヨ 江:エ 枝:エ 乃:ノ 恵:エ 世:ヨ",
    "mid": "子:コ 美:ミ 恵:エ 香:カ 代:ヨ 江:エ 奈:ナ 里:リ 穂:ホ 紀:キ 希:キ 世:ヨ 佳:カ 絵:エ",
}
_F_FIRST_YOUNG = """美:ミ 優:ユウ 結:ユイ 心:ココ 彩:アヤ 愛:アイ 莉:リ 杏:アン 咲:サキ 凛:リン 芽:メ
菜:ナ 紗:サ 真:マ 千:チ 七:ナナ 琴:コト 柚:ユズ 桃:モモ 陽:ハル 遥:ハル 春:ハル 夏:ナツ 奈:ナ
里:リ 理:リ 萌:モエ 小:コ 由:ユ 唯:ユイ 舞:マイ 茉:マ 涼:スズ 鈴:スズ 彩:サ 優:ユ 友:ユ 花:ハナ
日:ヒ 若:ワカ 希:ノ 実:ミ 麻:マ 亜:ア 沙:サ 明:アカ 朱:アカ"""
_F_END_YOUNG = ("菜:ナ 奈:ナ 那:ナ 花:カ 華:カ 香:カ 佳:カ 音:ネ 衣:イ 依:イ 愛:ア 央:オ 緒:オ 羽:ウ "
                "月:ツキ 希:キ 季:キ 乃:ノ 子:コ 実:ミ 美:ミ 里:リ 莉:リ 帆:ホ 穂:ホ 紗:サ 葉:ハ 歩:ホ 恵:エ")
LISTED_SHARE = 0.45  # of an era's persons who draw a listed reading; the rest a composed name


def _table(text: str) -> list[tuple[str, str]]:
    return [tuple(item.split(":")) for item in text.split()]  # type: ignore[misc]


def _fixed_roll(text: str) -> float:
    """A fixed pseudo-random number in [0, 1) for a name (the same in every run and seed)."""
    return zlib.crc32(text.encode()) / 2**32


def _fold(s: str) -> str:
    return fold_itaiji(s)


def _zipf(rank: int) -> float:
    return (6 / (rank + 6)) ** 0.85


def surname_table() -> tuple[list[tuple[str, str]], list[float]]:
    """(kanji, reading) and share of every surname: the 200 listed ones, then the tail."""
    head = _table(SURNAMES)
    seen = {_fold(k) for k, _ in head}
    first = [(k, r.split("|")) for k, r in _table(SURNAME_FIRST)]
    second = [(k, r.split("|")) for k, r in _table(SURNAME_SECOND)]
    scored: list[tuple[float, str, str]] = []
    for (i, (k1, r1)), (j, (k2, r2)) in itertools.product(enumerate(first), enumerate(second)):
        kanji = k1 + k2
        if k1 == k2 or _fold(kanji) in seen:
            continue
        seen.add(_fold(kanji))
        roll = _fixed_roll(kanji)
        reading = r1[int(roll * 7) % len(r1)] + (r2[1] if len(r2) > 1 and roll < 0.6 else r2[0])
        scored.append((1 / (i + 4) / (j + 4) * (0.5 + _fixed_roll(kanji + "w")), kanji, reading))
    for i, (k, readings) in enumerate(first + [(k, [r]) for k, r in _table(SINGLE_EXTRA)]):
        if len(readings[0]) >= 2 and _fold(k) not in seen:
            seen.add(_fold(k))
            scored.append((0.3 / (i + 4) / 8 * (0.5 + _fixed_roll(k + "w")), k, readings[0]))
    scored.sort(key=lambda t: -t[0])
    table = head + [(k, r) for _, k, r in scored]
    shares = [_zipf(rank) for rank in range(len(table))]
    scale = 1 / sum(shares)
    return table, [s * scale for s in shares]


def _spellings() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    kana = ""
    for token in SPELLINGS.split():
        if ":" in token:
            kana, token = token.split(":")
        out.setdefault(kana, []).append(token)
    return out


def _composed(first: str, ends: str) -> list[tuple[float, str, str]]:
    out = []
    for (i, (k1, r1)), (j, (k2, r2)) in itertools.product(enumerate(_table(first)),
                                                         enumerate(_table(ends))):
        # an on-reading before a bare vowel ending is unnatural (健夫 is タケオ, not ケンオ)
        if k1 != k2 and not (r2 in ("ア", "イ", "ウ", "エ", "オ") and r1[-1] in "ンウイ"):
            out.append((1 / (i + 15) / (j + 6), k1 + k2, r1 + r2))
    return out


def _given_era(listed: str, first: str, ends: str, listed_share: float = LISTED_SHARE,
               ) -> tuple[list[tuple[str, str]], list[float]]:
    spellings: dict[str, list[str]] = {}
    for kanji, kana in _table(listed):
        spellings.setdefault(kana, [])
        if kanji not in spellings[kana]:
            spellings[kana].append(kanji)
    extra = _spellings()
    weights: dict[tuple[str, str], float] = {}
    reading_total = sum(1 / (r + 16) for r in range(len(spellings)))
    for rank, (kana, kanjis) in enumerate(spellings.items()):
        names = kanjis + [k for k in extra.get(kana, ()) if k not in kanjis]
        share = listed_share / (rank + 16) / reading_total
        total = sum(1 / (p + 1) for p in range(len(names)))
        for pos, kanji in enumerate(names):
            weights[(kanji, kana)] = share / (pos + 1) / total
    composed = _composed(first, ends)
    total = sum(w for w, _, _ in composed)
    for w, kanji, kana in composed:
        key = (kanji, kana)
        weights[key] = weights.get(key, 0.0) + (1 - listed_share) * w / total
    return list(weights), list(weights.values())


def given_tables() -> dict[str, dict[str, tuple[list[tuple[str, str]], list[float]]]]:
    """sex → era → (names, shares)."""
    return {
        "M": {"old": _given_era(MALE["old"], _M_FIRST, _M_END["old"]),
              "mid": _given_era(MALE["mid"], _M_FIRST, _M_END["mid"]),
              "young": _given_era(MALE["young"], _M_FIRST_YOUNG, _M_END_YOUNG)},
        "F": {"old": _given_era(FEMALE["old"], _F_FIRST, _F_END["old"], 0.3),
              "mid": _given_era(FEMALE["mid"], _F_FIRST + " " + _F_FIRST_MID, _F_END["mid"]),
              "young": _given_era(FEMALE["young"], _F_FIRST_YOUNG, _F_END_YOUNG)},
    }


def cumulative(weights: list[float]) -> list[float]:
    """Cumulative weights for ``random.choices(cum_weights=…)`` (a bisect, not a sum, per draw)."""
    return list(itertools.accumulate(weights))
