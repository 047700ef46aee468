"""Restore drill: data → ./kasane backup → ./kasane restore into a fresh database → identical
row counts and per-table checksums, attachment files byte-equal. PostgreSQL (CI) and SQLite."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kasane.cases.tests.factories import setup_case
from kasane.ops import services as ops
from kasane.ops.services import current_checksums, read_manifest, target_checksums
from kasane.people.tests.factories import make_person
from kasane.sheets import attachments, services
from kasane.sheets.tests.factories import actor, upload

# Transactional (the drill reads committed rows from another connection). The flush after an
# earlier transactional test wipes the sheet definitions a data migration loads, so they are
# synced here; serialized_rollback is not used — restoring the serialized rows fails once a flush
# has recreated the content types under new ids (order-dependent under xdist).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _definitions(transactional_db: Any) -> None:
    from kasane.sheets import loader
    from kasane.sheets.models import SheetDefinition

    loader.sync_standard(SheetDefinition, codes=("nine_grid",))


def _data(city: Any) -> list[Path]:
    """Persons, a case with consent, and a submitted sheet record with two attachments (plus the
    city's users and organizations); returns the attachment files."""
    setup_case(city)
    for _ in range(3):
        make_person(city.coordinator)
    me = actor(city.recorder)
    files = [attachments.attachment_upload(actor=me, code="nine_grid", field_key="map",
                                           upload=upload(name)) for name in ("地図.pdf", "図.png")]
    services.record_create(actor=me, code="nine_grid", submit=True,
                           answers={"center": "課題", "cell_1": "本人の力",
                                    "map": [f.as_answer() for f in files]})
    return [Path(f.file.path) for f in files]


def _pg_url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def fresh_pg() -> Iterator[str]:
    """A new empty PostgreSQL database ``kasane_drill_<random>``, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL の復元訓練（pg_dump/pg_restore）は PostgreSQL で実行します")
    import psycopg

    name = f"kasane_drill_{secrets.token_hex(4)}"
    with psycopg.connect(_pg_url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _pg_url(name)
    with psycopg.connect(_pg_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drill(city: Any, tmp_path: Path, url: str) -> None:
    originals = _data(city)
    call_command("backup", output=str(tmp_path / "backups"))
    archive = next((tmp_path / "backups").glob("kasane-backup-*.tar"))
    manifest = read_manifest(archive)
    assert manifest["tables"] == current_checksums()
    assert manifest["tables"]["sheets_sheetattachment"]["rows"] == 2
    assert manifest["tables"]["people_person"]["rows"] == 4
    assert manifest["tables"]["cases_case"]["rows"] == 1

    restored_media = tmp_path / "restored"
    call_command("restore", str(archive), database_url=url, media_root=str(restored_media),
                 verify=True)
    from kasane.ops.services import target_settings

    assert target_checksums(target_settings(url)) == current_checksums()
    media_root = tmp_path / "media"
    for original in originals:
        copy = restored_media / original.relative_to(media_root)
        assert copy.read_bytes() == original.read_bytes()

    with pytest.raises(CommandError, match="空ではありません"):
        call_command("restore", str(archive), database_url=url, media_root=str(restored_media))
    call_command("restore", str(archive), database_url=url, media_root=str(restored_media),
                 yes=True, verify=True)


def test_postgresql_drill_restores_identical_tables_and_files(city: Any, tmp_path: Path,
                                                              fresh_pg: str) -> None:
    _drill(city, tmp_path, fresh_pg)


def test_sqlite_drill_restores_identical_tables_and_files(city: Any, tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite 版の復元訓練は SQLite で実行します（PostgreSQL 版は上のテスト）")
    _drill(city, tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}")


def test_restore_reports_a_missing_or_broken_archive_in_japanese(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="バックアップファイルがありません"):
        call_command("restore", str(tmp_path / "none.tar"), database_url="sqlite:///x")
    broken = tmp_path / "broken.tar"
    broken.write_bytes(b"not a tar")
    with pytest.raises(CommandError, match="読めません"):
        call_command("restore", str(broken), database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}")


def test_restore_refuses_a_backup_of_the_other_database_kind(city: Any, tmp_path: Path) -> None:
    call_command("backup", output=str(tmp_path))
    archive = next(tmp_path.glob("kasane-backup-*.tar"))
    other = ("sqlite:///" + str(tmp_path / "x.sqlite3") if connection.vendor == "postgresql"
             else "postgresql://postgres@127.0.0.1:5432/none")
    with pytest.raises(CommandError, match="同じ種類のデータベース"):
        call_command("restore", str(archive), database_url=other)


def test_backup_names_the_missing_client_tool_in_japanese(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setattr(ops.shutil, "which", lambda name: None)
    with pytest.raises(ops.OpsError, match="pg_dump が見つかりません"):
        ops._tool("pg_dump")


def test_the_cli_exits_1_with_a_japanese_message_and_no_traceback(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
           "KASANE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    done = subprocess.run([sys.executable, "-m", "kasane.cli", "restore", str(tmp_path / "none.tar")],  # noqa: S603
                          env=env, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 1
    assert "バックアップファイルがありません" in done.stderr
    assert "Traceback" not in done.stderr
