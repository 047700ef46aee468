"""Importing areas and the address table: whole file or nothing, Japanese row messages."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from kasane.accounts.models import Membership
from kasane.areas import services
from kasane.areas.models import AddressArea, Area, AreaKind
from kasane.areas.selectors import area_for_address
from kasane.audit.models import AccessLog

pytestmark = pytest.mark.django_db

AREAS_CSV = ("種別,コード,名称,上位コード\n日常生活圏域,01,北部圏域,\n日常生活圏域,02,南部圏域,\n"
             "小地域,01-1,本町地区,01\n民生委員地区,M1,第1地区,\n")
ADDRESS_CSV = "住所,日常生活圏域,小地域,民生委員地区\n重ね市本町一丁目,01,01-1,M1\n重ね市東町,02,,\n"


def _actor(user: object) -> Membership:
    return Membership.objects.select_related("organization", "user").get(user=user)


def _import(city: SimpleNamespace, text: str, name: str = "areas.csv", **kw: object) -> object:
    return services.import_table(actor=_actor(city.secretariat), stream=io.BytesIO(text.encode()),
                                 name=name, **kw)


def test_it_imports_areas_then_the_address_table(city: SimpleNamespace) -> None:
    result = _import(city, AREAS_CSV)
    assert (result.areas_created, result.areas_updated) == (4, 0)
    assert Area.objects.get(code="01-1").parent.code == "01"
    result = _import(city, ADDRESS_CSV, "address.csv")
    assert result.addresses == 2 and AddressArea.objects.count() == 4
    assert area_for_address(city.municipality, "重ね市本町1-2-3").code == "01"
    assert area_for_address(city.municipality, "重ね市本町1-2", AreaKind.MINSEI_DISTRICT).code == "M1"
    assert AccessLog.objects.filter(action="areas.import").count() == 2


def test_an_address_table_replaces_the_old_one(city: SimpleNamespace) -> None:
    _import(city, AREAS_CSV)
    _import(city, ADDRESS_CSV)
    _import(city, "住所,日常生活圏域\n重ね市西町,01\n")
    assert area_for_address(city.municipality, "重ね市東町1-1") is None
    assert area_for_address(city.municipality, "重ね市西町1-1").code == "01"


def test_bad_rows_are_named_and_nothing_is_written(city: SimpleNamespace) -> None:
    _import(city, AREAS_CSV)
    bad = "住所,日常生活圏域\n重ね市西町,01\n重ね市南町,99\n重ね市西町,02\n"
    with pytest.raises(ValidationError) as exc:
        _import(city, bad, "address.csv")
    text = " ".join(exc.value.messages)
    assert "address.csv 3行目: 日常生活圏域: コード 99 の圏域が登録されていません。" in text
    assert "address.csv 4行目: 住所「重ね市西町」は 2行目 と重複しています。" in text
    assert AddressArea.objects.count() == 0  # the old (empty) table is untouched
    with pytest.raises(ValidationError, match="知らない列"):
        _import(city, "種別,コード,名称,色\n日常生活圏域,03,西部,赤\n")
    assert not Area.objects.filter(code="03").exists()


def test_dry_run_changes_nothing(city: SimpleNamespace) -> None:
    result = _import(city, AREAS_CSV, dry_run=True)
    assert result.areas_created == 4 and Area.objects.count() == 0


def test_excel_with_both_sheets(city: SimpleNamespace) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "圏域"
    for row in [["種別", "コード", "名称"], ["日常生活圏域", "01", "北部圏域"]]:
        sheet.append(row)
    addresses = book.create_sheet("住所")
    for row in [["住所", "日常生活圏域"], ["重ね市本町", "01"]]:
        addresses.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    services.import_table(actor=_actor(city.secretariat), stream=data, name="areas.xlsx")
    assert area_for_address(city.municipality, "重ね市本町3-1").name == "北部圏域"


def test_only_maintainers_import(city: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        services.import_table(actor=_actor(city.recorder), stream=io.BytesIO(b""), name="x.csv")
