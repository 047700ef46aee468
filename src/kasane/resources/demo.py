"""Demo directory of 重ね市: about 70 places in every 圏域 (居場所, サロン, 子ども食堂, 学習支援,
就労体験, ボランティア …) run by 15 providers, the 社協's and two NPOs' linked to their
accounts.Organization; most published, a few drafts, one closed, one whose address the table
does not cover (未設定), some full. Written through the services as the CSW (社協) would;
idempotent (skipped when the tenant has places)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from kasane.accounts.models import Membership

from . import services
from .models import Place, PlaceKind, Provider, Weekday

PROVIDERS = [  # (name, accounts org key or "", description)
    ("重ね市社会福祉協議会", "shakyo", "地域福祉の推進。サロン・居場所づくりの支援"),
    ("NPO法人 いばしょネット", "npo_ibasho", "ひきこもりの方や若者の居場所づくり"),
    ("NPO法人 フードバンク重ね", "npo_food", "食品の寄付と配布、子ども食堂の支援"),
    ("北町町内会", "", ""), ("桜台自治会", "", ""), ("緑が丘ボランティアの会", "", ""),
    ("本町商店会", "", "商店街の空き店舗を使った交流の場"), ("中央地区社協", "", ""),
    ("栄町子ども食堂の会", "", ""), ("南町シニアクラブ", "", ""), ("港町漁協女性部", "", ""),
    ("浜田学習支援の会", "", "中高生の学習支援"), ("株式会社かさね農園", "", "農作業の就労体験"),
    ("社会福祉法人 つばさ会", "", "就労継続支援B型・就労体験の受け入れ"),
    ("重ね市シルバー人材センター", "", ""),
]
TOWNS = ["北町", "桜台", "緑が丘", "本町", "中央", "栄町", "中町", "南町", "港町", "浜田"]
KINDS = [  # (kind, name pattern, roles, capacity, age range, cost)
    (PlaceKind.SALON, "{town}ふれあいサロン", ("participation", "role"), 20, (60, None), "1回100円"),
    (PlaceKind.IBASHO, "{town}の居場所「ひだまり」", ("participation", "role"), 12, (15, 39), "無料"),
    (PlaceKind.KODOMO_SHOKUDO, "{town}こども食堂", ("participation", "role"), None, (None, 18),
     "子ども無料・大人300円"),
    (PlaceKind.LEARNING, "{town}学習室", ("participation", "role"), 10, (12, 18), "無料"),
    (PlaceKind.WORK_TRIAL, "{town}農園の就労体験", ("work_trial", "work"), 4, (18, 64),
     "交通費支給"),
    (PlaceKind.VOLUNTEER, "{town}見守りボランティア", ("role",), None, (18, None), "無料"),
    (PlaceKind.IBASHO, "{town}カフェ「よりみち」", ("participation", "role", "work_trial"), 8,
     (None, None), "飲み物代100円"),
]
DAYS = list(Weekday.values)


def _actor(user: Any) -> Membership | None:
    return Membership.objects.select_related("organization", "user").filter(
        user=user, is_active=True).order_by("pk").first()


def _providers(actor: Membership, orgs: dict[str, Any]) -> list[Provider]:
    return [services.provider_save(actor=actor, name=name, description=text,
                                   organization=orgs.get(key) if key else None,
                                   phone=f"03-5555-{7000 + i:04d}")
            for i, (name, key, text) in enumerate(PROVIDERS)]


def _values(rng: random.Random, town: str, spec: tuple[Any, ...], number: int) -> dict[str, Any]:
    kind, pattern, roles, capacity, (age_min, age_max), cost = spec
    current = 0 if capacity is None else rng.randint(capacity // 3, capacity)
    return {
        "name": pattern.format(town=town), "kind": kind.value,
        "description": f"{town}で開いている{kind.label}です。初めての方も見学できます。",
        "address": f"重ね市{town}{rng.randint(1, 4)}丁目{rng.randint(1, 25)}番{rng.randint(1, 15)}号",
        "capacity": capacity, "current_participants": current if capacity else rng.randint(5, 30),
        "age_min": age_min, "age_max": age_max, "cost": cost,
        "pickup": number % 5 == 0, "pickup_note": "町内のみ・要予約" if number % 5 == 0 else "",
        "accessibility": "車いすで入れます" if number % 3 == 0 else "",
        "offers_participation": "participation" in roles, "offers_role": "role" in roles,
        "offers_work_trial": "work_trial" in roles, "offers_work": "work" in roles,
        "contact_name": "受付担当", "phone": f"03-5555-{8000 + number:04d}",
        "schedule_note": "祝日は休み" if number % 4 == 0 else "",
    }


def _schedules(rng: random.Random) -> list[services.ScheduleIn]:
    days = rng.sample(DAYS[:6], rng.randint(1, 2))
    start = rng.choice([10, 13, 15])
    return [services.ScheduleIn(d, dt.time(start), dt.time(start + 2)) for d in days]


def load(data: dict[str, Any]) -> None:
    actor = _actor(data["users"]["csw"])
    if actor is None or Place.objects.filter(
            municipality_id=actor.organization.municipality_id).exists():
        return
    rng = random.Random(17)  # noqa: S311 - demo data, not security
    providers = _providers(actor, data["orgs"])
    today = dt.date(2026, 4, 1)
    number = 0
    for town in TOWNS:
        for spec in KINDS:
            number += 1
            owner = providers[number % len(providers)]
            place = services.place_save(actor=actor, provider=owner,
                                        values=_values(rng, town, spec, number),
                                        schedules=_schedules(rng))
            if number % 13 == 0:
                continue  # a draft waiting for review
            services.place_verify(actor=actor, place=place,
                                  on=today - dt.timedelta(days=rng.randint(0, 300)))
            services.place_publish(actor=actor, place=place)
            if number == 20:
                services.place_close(actor=actor, place=place)
    services.place_save(actor=actor, provider=providers[0], values={
        "name": "新町ふれあいサロン（新設）", "kind": PlaceKind.SALON.value,
        "address": "重ね市新町1丁目2番3号", "capacity": 15, "current_participants": 3})
