"""area_for_address: the longest covering prefix, never a guess; AddressTable agrees."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kasane.areas.keys import covers, prefix_key
from kasane.areas.models import AreaKind
from kasane.areas.selectors import AddressTable, area_for_address, areas
from kasane.areas.tests.factories import make_areas

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(city: SimpleNamespace) -> SimpleNamespace:
    return make_areas(city.municipality)  # 本町 → 北部, 本町二丁目 → 南部 (longer wins)


def test_prefix_key_folds_trailing_chome() -> None:
    assert prefix_key("重ね市本町一丁目") == "重ね市本町1"
    assert covers("重ね市本町1", "重ね市本町1-4-5")
    assert not covers("重ね市本町1", "重ね市本町12-3")
    assert covers("重ね市本町", "重ね市本町12-3")


def test_longest_prefix_wins_and_kinds_are_separate(table: SimpleNamespace) -> None:
    assert area_for_address(table.muni, "重ね市本町一丁目4番5号") == table.north
    assert area_for_address(table.muni, "重ね市本町２－１０") == table.south
    assert area_for_address(table.muni, "重ね市本町22-1") == table.north
    assert area_for_address(table.muni, "重ね市本町1-1", AreaKind.SMALL_AREA) == table.small
    assert area_for_address(table.muni, "重ね市本町1-1", AreaKind.MINSEI_DISTRICT) is None


def test_uncovered_address_has_no_area(table: SimpleNamespace, city: SimpleNamespace) -> None:
    assert area_for_address(table.muni, "重ね市東町3-1") is None
    assert area_for_address(table.muni, "") is None
    assert area_for_address(city.other, "重ね市本町1-1") is None  # another tenant's table


def test_address_table_agrees_with_selector(table: SimpleNamespace) -> None:
    memory = AddressTable(table.muni)
    for address in ["重ね市本町一丁目4番5号", "重ね市本町２－１０", "重ね市東町3-1", ""]:
        assert memory.lookup(address) == area_for_address(table.muni, address)
    assert memory.uncovered(["重ね市東町3-1", "重ね市本町1-1", ""]) == ["重ね市東町3-1"]


def test_areas_listed_by_kind_then_code(table: SimpleNamespace) -> None:
    assert [a.code for a in areas(table.muni)] == ["01", "02", "01-1"]


def test_address_count_and_row_stay_inside_the_tenant(city: SimpleNamespace) -> None:
    from kasane.areas.selectors import address_count, address_row
    from kasane.areas.tests.factories import address_row as add_row

    mine = make_areas(city.municipality)
    theirs = make_areas(city.other)
    add_row(city.other, "千代田区丸の内", theirs.north)
    assert address_count(city.municipality) == 3
    assert address_count(city.other) == 4
    row = add_row(city.municipality, "重ね市新町", mine.north)
    assert address_row(city.municipality, row.pk) == row
    assert address_row(city.other, row.pk) is None


def test_the_areas_views_read_through_selectors() -> None:
    from pathlib import Path

    source = (Path(__file__).parents[1] / "views.py").read_text(encoding="utf-8")
    assert ".objects." not in source and "get_object_or_404" not in source
