"""The pure ranking of suggested places (no database)."""

from __future__ import annotations

from kasane.participation.ranking import PlaceFacts, WishFacts, rank, refusal


def place(pk: int, name: str, **kw: object) -> PlaceFacts:
    return PlaceFacts(id=pk, name=name, **kw)  # type: ignore[arg-type]


def test_it_ranks_role_area_and_schedule_above_a_poor_fit() -> None:
    wish = WishFacts(roles=["work_trial"], days=["mon"], time_bands=["am"], area_id=1)
    good = place(1, "北のカフェ", roles=["work_trial"], days=["mon", "wed"], time_bands=["am"],
                 area_id=1, area_name="北部圏域", capacity=5, current=2)
    poor = place(2, "南のサロン", roles=["attend"], days=["fri"], area_id=2,
                 area_name="南部圏域", capacity=5, current=0)
    result = rank(wish, [poor, good])
    assert [s.place.id for s in result] == [1, 2]
    top = result[0]
    assert "希望する参加の形（就労体験）ができる" in top.reasons
    assert "同じ圏域（北部圏域）" in top.reasons
    assert "曜日が合う（月）" in top.reasons
    assert "時間帯が合う（午前）" in top.reasons
    assert "空きあり（3人）" in top.reasons
    assert "圏域が異なる（南部圏域）" in result[1].concerns
    assert "曜日が合わない（金）" in result[1].concerns


def test_it_never_suggests_a_closed_or_full_place_or_one_outside_the_age() -> None:
    wish = WishFacts(age=70)
    places = [place(1, "休止中", is_open=False), place(2, "満員", capacity=3, current=3),
              place(3, "若者向け", age_max=39), place(4, "誰でも")]
    assert [s.place.id for s in rank(wish, places)] == [4]
    assert refusal(places[1]) == "満員は定員（3人）に達しています。"
    assert refusal(places[0]) == "休止中は現在受け入れを休止しています。"
    assert refusal(places[2], 70) == "若者向けの対象は39歳以下です。"


def test_it_weighs_accessibility_escort_and_cost() -> None:
    wish = WishFacts(needs_accessibility=True, needs_escort=True, max_cost=300)
    fits = place(1, "あ", accessible=True, escort=True, cost=0)
    barred = place(2, "い", accessible=False, escort=False, cost=500)
    result = rank(wish, [barred, fits])
    assert [s.place.id for s in result] == [1, 2]
    assert {"バリアフリー", "送迎あり", "無料"} <= set(result[0].reasons)
    assert {"バリアフリーではない", "送迎なし", "費用が上限を超える（500円）"} <= set(result[1].concerns)


def test_it_gives_less_weight_to_another_area_when_the_person_can_travel() -> None:
    near = place(1, "同圏域", area_id=1, area_name="北部")
    far = place(2, "他圏域", area_id=2, area_name="南部")
    walking = rank(WishFacts(area_id=1, transport="walk"), [far, near])
    riding = rank(WishFacts(area_id=1, transport="public"), [far, near])
    assert walking[0].place.id == 1 and walking[1].score == 0
    assert riding[1].score > 0
    assert "圏域は異なるが移動手段がある（南部）" in riding[1].reasons


def test_it_breaks_ties_by_vacancies_then_name_and_honours_the_limit() -> None:
    wish = WishFacts()
    places = [place(1, "い", capacity=5, current=4), place(2, "あ", capacity=5, current=4),
              place(3, "う", capacity=9, current=0)]
    assert [s.place.id for s in rank(wish, places)] == [3, 2, 1]
    assert len(rank(wish, places, limit=2)) == 2


def test_it_matches_the_wanted_kind_of_place() -> None:
    wish = WishFacts(kinds=["cafeteria"])
    result = rank(wish, [place(1, "サロン", kind="salon"),
                         place(2, "子ども食堂", kind="cafeteria", kind_label="子ども食堂")])
    assert result[0].place.id == 2
    assert "希望する場の種類（子ども食堂）" in result[0].reasons
