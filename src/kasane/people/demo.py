"""Demo persons of 重ね市 (fictional): ~150 persons in ~60 households recorded by five
agencies, some consents naming other agencies, one DV-restricted person and a few emergency
accesses waiting for review. Deterministic (seeded) and idempotent (natural key: name key +
birth date); everything goes through the services, so grants and audit rows are real.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from kasane.access import services as access_services
from kasane.accounts.models import Membership
from kasane.core.text import normalize_name

from . import services
from .models import HouseholdMember, Person

FAMILY = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
          ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("中村", "ナカムラ"), ("小林", "コバヤシ"),
          ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山口", "ヤマグチ"), ("松本", "マツモト"),
          ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"), ("斉藤", "サイトウ"),
          ("清水", "シミズ"), ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"),
          ("橋本", "ハシモト"), ("阿部", "アベ"), ("石川", "イシカワ"), ("前田", "マエダ"),
          ("藤田", "フジタ"), ("小川", "オガワ"), ("岡田", "オカダ"), ("後藤", "ゴトウ"),
          ("長谷川", "ハセガワ"), ("村上", "ムラカミ"), ("近藤", "コンドウ"), ("坂本", "サカモト"),
          ("遠藤", "エンドウ"), ("青木", "アオキ"), ("藤井", "フジイ"), ("西村", "ニシムラ"),
          ("福田", "フクダ"), ("太田", "オオタ"), ("三浦", "ミウラ"), ("髙野", "タカノ")]
MALE = [("一郎", "イチロウ"), ("健一", "ケンイチ"), ("誠", "マコト"), ("浩", "ヒロシ"),
        ("大輔", "ダイスケ"), ("翔太", "ショウタ"), ("拓也", "タクヤ"), ("和夫", "カズオ"),
        ("茂", "シゲル"), ("勇気", "ユウキ"), ("蓮", "レン"), ("悠真", "ユウマ"), ("隆", "タカシ"),
        ("正男", "マサオ"), ("陽斗", "ハルト")]
FEMALE = [("花子", "ハナコ"), ("美咲", "ミサキ"), ("陽子", "ヨウコ"), ("恵子", "ケイコ"),
          ("さくら", "サクラ"), ("結衣", "ユイ"), ("トシ子", "トシコ"), ("幸子", "サチコ"),
          ("由美", "ユミ"), ("真由美", "マユミ"), ("愛", "アイ"), ("葵", "アオイ"), ("和子", "カズコ"),
          ("千尋", "チヒロ"), ("芽依", "メイ")]
AREAS = {  # 日常生活圏域 → 町名
    "北部": ["北町", "桜台", "緑が丘"],
    "中部": ["本町", "中央", "栄町"],
    "南部": ["南町", "港町", "浜田"],
}
RECORDERS = ["houkatsu1", "shougai", "csw", "kodomo", "suishin"]
SHARE_WITH = ["fukushi", "shakyo", "houkatsu_hokubu", "shougai_soudan", "kodomo_center",
              "jiritsu", "seikatsu"]
HOUSEHOLDS = 60
BIRTH_REFERENCE = dt.date(2025, 4, 1)  # ages are counted from here so re-loads find the same persons


def _actor(user: Any) -> Membership:
    return Membership.objects.select_related("organization", "user").filter(
        user=user, is_active=True).order_by("pk").first()  # type: ignore[return-value]


def _birth(rng: random.Random, age: int, today: dt.date) -> dt.date:
    return dt.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))


def _address(rng: random.Random, area: str) -> tuple[str, str]:
    town = rng.choice(AREAS[area])
    chome = rng.randint(1, 5)
    postal = f"999-{list(AREAS).index(area) + 1:02d}{AREAS[area].index(town) + 1:02d}"
    return postal, f"重ね市{town}{chome}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"


def _person(actor: Membership, spec: dict[str, Any], *, with_person: Person | None = None,
            relation: str = "") -> tuple[Person, bool]:
    key = normalize_name(f"{spec['family_name']}{spec['given_name']}")
    found = Person.objects.filter(municipality_id=actor.organization.municipality_id,
                                  name_key=key, birth_date=spec["birth_date"]).first()
    if found is not None:
        return found, False
    return services.person_create(actor=actor, fields=spec, household_with=with_person,
                                  relation=relation), True


def _spec(rng: random.Random, family: tuple[str, str], sex: str, age: int, postal: str,
          address: str, today: dt.date) -> dict[str, Any]:
    given = rng.choice(MALE if sex == "male" else FEMALE)
    phone = f"0{rng.randint(3, 4)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}" \
        if rng.random() < 0.6 else ""
    mobile = f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}" if 15 < age < 80 and rng.random() < 0.5 else ""
    return {"family_name": family[0], "given_name": given[0], "family_name_kana": family[1],
            "given_name_kana": given[1], "birth_date": _birth(rng, age, today), "sex": sex,
            "postal_code": postal, "address": address, "phone": phone, "phone_mobile": mobile}


def _household_plan(rng: random.Random) -> list[tuple[str, str, int]]:
    """(relation, sex, age) of each member; the first one is the 本人."""
    shape = rng.choice(["single_old", "couple_old", "family", "family", "single_parent",
                        "8050", "single"])
    if shape == "single_old":
        return [("self", rng.choice(["male", "female"]), rng.randint(70, 94))]
    if shape == "single":
        return [("self", rng.choice(["male", "female"]), rng.randint(20, 64))]
    if shape == "couple_old":
        age = rng.randint(68, 88)
        return [("self", "male", age), ("spouse", "female", age - rng.randint(0, 5))]
    if shape == "8050":
        age = rng.randint(78, 90)
        return [("self", rng.choice(["male", "female"]), age),
                ("child", rng.choice(["male", "female"]), age - rng.randint(26, 32))]
    if shape == "single_parent":
        age = rng.randint(26, 45)
        return [("self", "female", age)] + [("child", rng.choice(["male", "female"]),
                                            rng.randint(0, 16)) for _ in range(rng.randint(1, 2))]
    age = rng.randint(30, 50)
    return [("self", "male", age), ("spouse", "female", age - rng.randint(0, 4))] + [
        ("child", rng.choice(["male", "female"]), rng.randint(0, 18)) for _ in range(rng.randint(1, 2))]


def _consent(actor: Membership, person: Person, orgs: dict[str, Any], keys: list[str],
             purposes: list[str], today: dt.date, days_ago: int) -> None:
    others = [orgs[k] for k in keys if orgs[k].pk != actor.organization_id]
    if others:
        services.consent_record(actor=actor, person=person, organization_ids=[o.pk for o in others],
                                purposes=purposes, obtained_on=today - dt.timedelta(days=days_ago),
                                method="written")


def load(data: dict[str, Any]) -> None:
    rng = random.Random(4)  # noqa: S311 - deterministic demo data, not security
    today = timezone.localdate()
    ref = BIRTH_REFERENCE
    users, orgs = data["users"], data["orgs"]
    actors = {name: _actor(users[name]) for name in RECORDERS}
    named: dict[str, Person] = {}
    areas = list(AREAS)
    for h in range(HOUSEHOLDS):
        recorder = RECORDERS[h % len(RECORDERS)]
        actor = actors[recorder]
        area = areas[h % 3]
        postal, address = _address(rng, area)
        family = FAMILY[(h * 7) % len(FAMILY)]
        anchor: Person | None = None
        created_anchor = False
        for i, (relation, sex, age) in enumerate(_household_plan(rng)):
            spec = _spec(rng, family, sex, max(age, 0), postal, address, ref)
            if i == 0:
                anchor, created_anchor = _person(actor, spec)
            else:
                _person(actor, spec, with_person=anchor, relation=relation)
        # draw every random value whether or not it is used, so a re-load stays in step
        share = rng.random() < 0.4
        keys = rng.sample(SHARE_WITH, rng.randint(1, 3))
        purposes = rng.sample(["information_sharing", "multilayer_meeting", "participation"],
                              rng.randint(1, 2))
        days_ago = rng.randint(5, 300)
        if created_anchor and anchor is not None:
            if not HouseholdMember.objects.filter(person=anchor).exists():
                services.household_create(actor=actor, person=anchor)
            if share:
                _consent(actor, anchor, orgs, keys, purposes, today, days_ago)
    # single persons to reach ~150, recorded by the 社協 and 自立相談 partners
    for _ in range(12):
        actor = actors[rng.choice(["csw", "shougai", "houkatsu1"])]
        postal, address = _address(rng, rng.choice(areas))
        _person(actor, _spec(rng, rng.choice(FAMILY), rng.choice(["male", "female"]),
                             rng.randint(19, 60), postal, address, ref))
    _named(actors, orgs, users, named, today)
    _duplicates(actors, orgs, today)
    data["persons"] = named


def _named(actors: dict[str, Membership], orgs: dict[str, Any], users: dict[str, Any],
           named: dict[str, Person], today: dt.date) -> None:
    """The persons later loaders and the demo story use."""
    houkatsu, kodomo = actors["houkatsu1"], actors["kodomo"]
    parent, new = _person(houkatsu, {
        "family_name": "山本", "given_name": "トシ子", "family_name_kana": "ヤマモト",
        "given_name_kana": "トシコ", "birth_date": dt.date(1943, 6, 12), "sex": "female",
        "postal_code": "999-0101", "address": "重ね市北町3丁目8番2号", "phone": "03-5555-0101",
        "phone_mobile": ""})
    child, _ = _person(houkatsu, {
        "family_name": "山本", "given_name": "健一", "family_name_kana": "ヤマモト",
        "given_name_kana": "ケンイチ", "birth_date": dt.date(1972, 11, 3), "sex": "male",
        "postal_code": "999-0101", "address": "重ね市北町3丁目8番2号", "phone": "03-5555-0101",
        "phone_mobile": ""}, with_person=parent, relation="child")
    if new:
        _consent(houkatsu, parent, orgs, ["fukushi", "shakyo", "jiritsu"],
                 ["information_sharing", "multilayer_meeting"], today, 20)
        _consent(houkatsu, child, orgs, ["fukushi", "shakyo", "jiritsu", "shougai_soudan"],
                 ["information_sharing", "multilayer_meeting", "participation"], today, 12)
    restricted, new = _person(kodomo, {
        "family_name": "佐藤", "given_name": "美咲", "family_name_kana": "サトウ",
        "given_name_kana": "ミサキ", "birth_date": dt.date(1990, 2, 14), "sex": "female",
        "postal_code": "999-0302", "address": "重ね市港町2丁目4番1号", "phone": "",
        "phone_mobile": "090-0000-1234"})
    if new:
        _consent(kodomo, restricted, orgs, ["fukushi", "seikatsu"], ["information_sharing"], today, 40)
        services.person_restriction_set(actor=kodomo, person=restricted, kind="dv",
                                        user_ids=[users["kodomo"].pk],
                                        note="配偶者からの暴力。住民基本台帳の支援措置あり")
        # a few emergency accesses waiting for suishin's review
        shougai_person = Person.objects.filter(created_by_org=actors["shougai"].organization) \
            .order_by("pk").first()
        kodomo_person = Person.objects.filter(created_by_org=kodomo.organization) \
            .exclude(pk=restricted.pk).order_by("pk").first()
        for who, target, reason in [
            (actors["csw"], shougai_person, "夜間に近隣から「数日姿が見えない」と通報。安否確認のため連絡先を確認"),
            (houkatsu, kodomo_person, "訪問先で子どもが一人で発熱しており、保護者の連絡先を至急確認"),
        ]:
            if target is not None:
                access_services.emergency_access_request(actor=who, person_id=target.pk,
                                                         reason=reason, hours=24)
    named.update({"8050_parent": parent, "8050_child": child, "restricted": restricted})


# 名寄せ: the same person registered twice by different desks (異体字, ｶﾀｶﾅ/ひらがな, 月日の
# 入れ替わり, a move, a new phone). Incremental matching queues them for suishin; the last
# pair shows a candidate whose other record suishin has no basis to see.
DUPLICATES: list[tuple[str, dict[str, Any], bool]] = [  # (recorder, fields, shared with fukushi)
    ("suishin", {"family_name": "髙橋", "given_name": "和夫", "family_name_kana": "タカハシ",
                 "given_name_kana": "カズオ", "birth_date": dt.date(1944, 4, 3), "sex": "male",
                 "postal_code": "999-0201", "address": "重ね市本町三丁目4番5号",
                 "phone": "03-5555-3101"}, False),
    ("csw", {"family_name": "高橋", "given_name": "和夫", "family_name_kana": "ﾀｶﾊｼ",
             "given_name_kana": "かずお", "birth_date": dt.date(1944, 3, 4), "sex": "male",
             "postal_code": "999-0201", "address": "重ね市本町3-4-5", "phone": ""}, True),
    ("houkatsu1", {"family_name": "斎藤", "given_name": "幸子", "family_name_kana": "サイトウ",
                   "given_name_kana": "サチコ", "birth_date": dt.date(1951, 9, 17),
                   "sex": "female", "postal_code": "999-0102", "address": "重ね市桜台2丁目7番1号",
                   "phone": "03-5555-3202"}, True),
    ("shougai", {"family_name": "齋藤", "given_name": "幸子", "family_name_kana": "サイトウ",
                 "given_name_kana": "サチコ", "birth_date": dt.date(1951, 9, 17), "sex": "female",
                 "postal_code": "999-0301", "address": "重ね市南町1丁目3番8号",
                 "phone": "090-5555-3203"}, True),
    ("suishin", {"family_name": "渡辺", "given_name": "茂", "family_name_kana": "ワタナベ",
                 "given_name_kana": "シゲル", "birth_date": dt.date(1938, 12, 1), "sex": "male",
                 "postal_code": "999-0303", "address": "重ね市浜田4丁目1番2号",
                 "phone": "03-5555-3301"}, False),
    ("kodomo", {"family_name": "渡邉", "given_name": "茂", "family_name_kana": "わたなべ",
                "given_name_kana": "しげる", "birth_date": dt.date(1938, 12, 1), "sex": "male",
                "postal_code": "999-0303", "address": "重ね市浜田4-1-2", "phone": "03-5555-3301"},
     False),
]


def _duplicates(actors: dict[str, Membership], orgs: dict[str, Any], today: dt.date) -> None:
    for recorder, fields, share in DUPLICATES:
        actor = actors[recorder]
        spec = {"phone_mobile": "", **fields}
        found = Person.objects.filter(created_by_org=actor.organization,
                                      family_name=spec["family_name"],
                                      given_name=spec["given_name"],
                                      birth_date=spec["birth_date"]).exists()
        if found:
            continue
        person = services.person_create(actor=actor, fields=spec)
        if share:
            _consent(actor, person, orgs, ["fukushi"], ["information_sharing"], today, 30)
