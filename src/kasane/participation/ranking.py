"""Suggested places for a person's wishes, ranked by fit — a pure function (no database).

``rank(wish, places)`` scores each place from plain facts (``WishFacts``, ``PlaceFacts``; the
selectors build them from the models) and explains the score in Japanese: 参加の形・場の種類,
圏域, 曜日・時間帯, 空き, and conditions (年齢, バリアフリー, 送迎, 費用). A place that is closed,
full or outside the person's age is never suggested; ties go to more vacancies, then the name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ROLE_LABELS = {"attend": "居場所", "role": "役割・活動者", "volunteer": "ボランティア",
               "work_trial": "就労体験", "work": "就労", "learning": "学び"}
DAY_LABELS = {"mon": "月", "tue": "火", "wed": "水", "thu": "木", "fri": "金", "sat": "土",
              "sun": "日"}
BAND_LABELS = {"am": "午前", "pm": "午後", "evening": "夜間"}
# How far a person can go: with these the 圏域 matters less.
MOBILE = frozenset({"public", "escort"})

W_ROLE, W_KIND, W_AREA, W_NEAR, W_DAY, W_BAND = 30, 15, 20, 5, 10, 10
W_VACANT, W_ACCESS, W_ESCORT, W_COST = 5, 10, 10, 20


@dataclass(frozen=True)
class WishFacts:
    roles: Sequence[str] = ()
    kinds: Sequence[str] = ()
    days: Sequence[str] = ()
    time_bands: Sequence[str] = ()
    area_id: int | None = None
    transport: str = ""
    needs_accessibility: bool = False
    needs_escort: bool = False
    max_cost: int | None = None
    age: int | None = None


@dataclass(frozen=True)
class PlaceFacts:
    id: int
    name: str
    kind: str = ""
    kind_label: str = ""
    area_id: int | None = None
    area_name: str = ""
    roles: Sequence[str] = ()
    days: Sequence[str] = ()
    time_bands: Sequence[str] = ()
    capacity: int | None = None
    current: int = 0
    is_open: bool = True
    accessible: bool | None = None
    escort: bool | None = None
    cost: int | None = None
    age_min: int | None = None
    age_max: int | None = None

    @property
    def vacancies(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.current, 0)


@dataclass
class Suggestion:
    place: PlaceFacts
    score: int = 0
    reasons: list[str] = field(default_factory=list)   # for (a plus)
    concerns: list[str] = field(default_factory=list)  # against (a minus), shown too


def _labels(codes: Iterable[str], labels: dict[str, str]) -> str:
    return "・".join(labels.get(c, c) for c in codes)


def refusal(place: PlaceFacts, age: int | None = None) -> str:
    """Why a place cannot take the person now ("" when it can): 休止中, 満員, 年齢."""
    if not place.is_open:
        return f"{place.name}は現在受け入れを休止しています。"
    if place.vacancies == 0:
        return f"{place.name}は定員（{place.capacity}人）に達しています。"
    if age is not None and place.age_min is not None and age < place.age_min:
        return f"{place.name}の対象は{place.age_min}歳以上です。"
    if age is not None and place.age_max is not None and age > place.age_max:
        return f"{place.name}の対象は{place.age_max}歳以下です。"
    return ""


def _fit_roles(s: Suggestion, w: WishFacts, p: PlaceFacts) -> None:
    both = [r for r in w.roles if r in p.roles]
    if both:
        s.score += W_ROLE
        s.reasons.append(f"希望する参加の形（{_labels(both, ROLE_LABELS)}）ができる")
    elif w.roles and p.roles:
        s.concerns.append(f"参加の形は{_labels(p.roles, ROLE_LABELS)}")
    if w.kinds and p.kind in w.kinds:
        s.score += W_KIND
        s.reasons.append(f"希望する場の種類（{p.kind_label or p.kind}）")


def _fit_area(s: Suggestion, w: WishFacts, p: PlaceFacts) -> None:
    if w.area_id is None or p.area_id is None:
        return
    if w.area_id == p.area_id:
        s.score += W_AREA
        s.reasons.append(f"同じ圏域（{p.area_name}）" if p.area_name else "同じ圏域")
    elif w.transport in MOBILE:
        s.score += W_NEAR
        s.reasons.append(f"圏域は異なるが移動手段がある（{p.area_name}）")
    else:
        s.concerns.append(f"圏域が異なる（{p.area_name}）" if p.area_name else "圏域が異なる")


def _fit_schedule(s: Suggestion, w: WishFacts, p: PlaceFacts) -> None:
    for wanted, offered, weight, labels, word in (
            (w.days, p.days, W_DAY, DAY_LABELS, "曜日"),
            (w.time_bands, p.time_bands, W_BAND, BAND_LABELS, "時間帯")):
        if not wanted or not offered:
            continue
        both = [c for c in wanted if c in offered]
        if both:
            s.score += weight
            s.reasons.append(f"{word}が合う（{_labels(both, labels)}）")
        else:
            s.concerns.append(f"{word}が合わない（{_labels(offered, labels)}）")


def _fit_conditions(s: Suggestion, w: WishFacts, p: PlaceFacts) -> None:
    if p.vacancies is not None:
        s.score += W_VACANT
        s.reasons.append(f"空きあり（{p.vacancies}人）")
    if w.needs_accessibility:
        if p.accessible:
            s.score += W_ACCESS
            s.reasons.append("バリアフリー")
        elif p.accessible is False:
            s.score -= W_ACCESS * 3
            s.concerns.append("バリアフリーではない")
    if w.needs_escort:
        if p.escort:
            s.score += W_ESCORT
            s.reasons.append("送迎あり")
        elif p.escort is False:
            s.score -= W_ESCORT
            s.concerns.append("送迎なし")
    if p.cost is not None:
        if w.max_cost is not None and p.cost > w.max_cost:
            s.score -= W_COST
            s.concerns.append(f"費用が上限を超える（{p.cost:,}円）")
        elif p.cost == 0:
            s.reasons.append("無料")


def rank(wish: WishFacts, places: Iterable[PlaceFacts], *, limit: int = 10) -> list[Suggestion]:
    """The places that can take the person, best fit first (at most ``limit``), each with its
    reasons and concerns in Japanese."""
    found: list[Suggestion] = []
    for place in places:
        if refusal(place, wish.age):
            continue
        s = Suggestion(place=place)
        _fit_roles(s, wish, place)
        _fit_area(s, wish, place)
        _fit_schedule(s, wish, place)
        _fit_conditions(s, wish, place)
        found.append(s)
    found.sort(key=lambda s: (-s.score, -(s.place.vacancies if s.place.vacancies is not None
                                          else 10**6), s.place.name, s.place.id))
    return found[:limit]
