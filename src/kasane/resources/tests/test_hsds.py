"""HSDS export → import round trip through the CLI; bad files are refused with file + row."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from kasane.accounts.models import Municipality
from kasane.areas.tests.factories import make_areas
from kasane.resources import services
from kasane.resources.models import Place, PlaceSchedule, Provider
from kasane.resources.tests.factories import editor, place

pytestmark = pytest.mark.django_db


def _cmd(name: str, *args: str) -> None:
    call_command(name, *args, "--municipality", "139998")


def _files(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.iterdir())}


@pytest.fixture
def directory(city: SimpleNamespace) -> SimpleNamespace:
    make_areas(city.municipality)
    full = place(city, "本町の居場所", age_min=15, age_max=39, cost="無料", pickup=True,
                 pickup_note="本町内のみ", offers_role=True, offers_work_trial=True, phone="03-1111-2222",
                 contact_name="山田", email="ibasho@example.jp", url="https://example.jp/",
                 accessibility="車いす可", latitude="35.681200", longitude="139.767100",
                 schedule_note="祝日は休み", eligibility="どなたでも", description="ゆっくり過ごせます")
    services.replace_schedules(full, [services.ScheduleIn("MO", dt.time(10), dt.time(15), "午前のみ可"),
                                      services.ScheduleIn("TH", dt.time(13), None)])
    services.place_verify(actor=editor(city), place=full, on=dt.date(2026, 4, 1))
    place(city, "子ども食堂ひまわり", kind="kodomo_shokudo", capacity=None, current_participants=12)
    place(city, "下書き", publish=False)
    return SimpleNamespace(full=full)


def test_export_import_round_trip_is_identical(directory: SimpleNamespace, tmp_path: Path,
                                               city: SimpleNamespace) -> None:
    call_command("export_hsds", str(tmp_path / "a"), "--municipality", "139998")
    first = _files(tmp_path / "a")
    assert {"organizations.csv", "services.csv", "locations.csv", "service_at_location.csv",
            "schedules.csv", "hsds.json"} <= set(first)
    assert first["services.csv"].count("\n") == 3  # header + the two published places
    assert "山田" in first["contacts.csv"] and "下書き" not in first["services.csv"]
    # into the same tenant: nothing changes
    call_command("import_hsds", str(tmp_path / "a"), "--municipality", "139998")
    call_command("export_hsds", str(tmp_path / "b"), "--municipality", "139998")
    assert _files(tmp_path / "b") == first
    # into an empty tenant: the same directory comes out again
    Municipality.objects.create(code="011002", name="札幌市", prefecture="北海道")
    call_command("import_hsds", str(tmp_path / "a"), "--municipality", "011002")
    call_command("export_hsds", str(tmp_path / "c"), "--municipality", "011002")
    again = _files(tmp_path / "c")
    assert {k: v for k, v in again.items() if k not in {"addresses.csv", "hsds.json"}} == \
        {k: v for k, v in first.items() if k not in {"addresses.csv", "hsds.json"}}
    copy = Place.objects.get(municipality__code="011002", name="本町の居場所")
    assert (copy.capacity, copy.current_participants, copy.pickup_note, copy.roles) == \
        (10, 4, "本町内のみ", ["participation", "role", "work_trial"])
    assert copy.area is None  # the other tenant has no address table: 未設定


def test_json_alone_imports_the_same(directory: SimpleNamespace, tmp_path: Path) -> None:
    _cmd("export_hsds", str(tmp_path / "a"))
    (tmp_path / "j").mkdir()
    shutil.copy(tmp_path / "a" / "hsds.json", tmp_path / "j" / "hsds.json")
    Place.objects.all().delete()
    _cmd("import_hsds", str(tmp_path / "j"))
    _cmd("export_hsds", str(tmp_path / "b"))
    assert _files(tmp_path / "b") == _files(tmp_path / "a")


def test_dry_run_changes_nothing(directory: SimpleNamespace, tmp_path: Path) -> None:
    _cmd("export_hsds", str(tmp_path / "a"))
    text = (tmp_path / "a" / "services.csv").read_text(encoding="utf-8")
    (tmp_path / "a" / "services.csv").write_text(text.replace("本町の居場所", "新しい名前"),
                                                 encoding="utf-8")
    _cmd("import_hsds", str(tmp_path / "a"), "--dry-run")
    assert Place.objects.filter(name="本町の居場所").exists()
    assert not Place.objects.filter(name="新しい名前").exists()


def test_unknown_columns_and_broken_references(directory: SimpleNamespace, tmp_path: Path) -> None:
    _cmd("export_hsds", str(tmp_path / "a"))
    before = (Place.objects.count(), Provider.objects.count(), PlaceSchedule.objects.count())
    services_csv = tmp_path / "a" / "services.csv"
    lines = services_csv.read_text(encoding="utf-8").splitlines()
    lines[0] += ",colour"
    lines[1:] = [line + ",red" for line in lines[1:]]
    services_csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="services.csv: 知らない列があります（colour）"):
        _cmd("import_hsds", str(tmp_path / "a"))
    _cmd("export_hsds", str(tmp_path / "b"))
    sal = tmp_path / "b" / "service_at_location.csv"
    rows = sal.read_text(encoding="utf-8").splitlines()
    rows[2] = rows[2].rsplit(",", 2)[0] + ",00000000-0000-0000-0000-000000000000,"
    sal.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        _cmd("import_hsds", str(tmp_path / "b"))
    assert "service_at_location.csv 3行目: location_id「00000000-0000-0000-0000-000000000000」" \
           "が locations.csv にありません。" in str(exc.value)
    assert (Place.objects.count(), Provider.objects.count(), PlaceSchedule.objects.count()) == before


def test_capacity_below_participants_in_a_file(directory: SimpleNamespace, tmp_path: Path) -> None:
    _cmd("export_hsds", str(tmp_path / "a"))
    cap = tmp_path / "a" / "service_capacity.csv"
    cap.write_text(cap.read_text(encoding="utf-8").replace(",10,6,", ",2,-2,"), encoding="utf-8")
    with pytest.raises(CommandError, match="定員: 定員（2人）が現在の参加者数（4人）より少なく"):
        _cmd("import_hsds", str(tmp_path / "a"))
