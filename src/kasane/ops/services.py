"""Backup and restore of the database and the media files, as one tar archive.

Archive layout: ``manifest.json`` (created_at, version, git hash, vendor, per-table counts and
checksums), ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3``
(SQLite online backup API), and ``media/…`` (MEDIA_ROOT: sheet attachments, consent scans,
export files). Failures raise :class:`OpsError` with a Japanese message; the commands print it
and exit 1.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connection

import kasane

from .checksums import TableSum, table_checksums, table_names

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"


class OpsError(Exception):
    """A backup or restore failed; the message is Japanese and meant for the operator."""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise OpsError(f"{name} が見つかりません。PostgreSQL のクライアント（postgresql-client）を"
                       "インストールしてください。")
    return path


def pg_env(db: dict[str, Any]) -> dict[str, str]:
    """libpq environment for a Django database settings dict (password never on the command line)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise OpsError(f"{what}に失敗しました: {done.stderr.strip()[-500:]}")


def _git_hash() -> str:
    git = shutil.which("git")
    if not git:
        return ""
    done = subprocess.run([git, "rev-parse", "HEAD"], cwd=Path(kasane.__file__).parent,  # noqa: S603
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def current_checksums() -> dict[str, TableSum]:
    """Per-table sums of Django's default database."""
    with connection.cursor() as cursor:
        return table_checksums(cursor, connection.vendor)


def backup(output: Path, media_root: Path | None = None) -> Path:
    """Write ``kasane-backup-<UTC time>.tar`` into ``output`` and return its path."""
    output.mkdir(parents=True, exist_ok=True)
    media = Path(media_root or settings.MEDIA_ROOT)
    now = dt.datetime.now(dt.UTC)
    target = output / f"kasane-backup-{now:%Y%m%d-%H%M%S}.tar"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if connection.vendor == "postgresql":
            dump = work / PG_DUMP
            _run([_tool("pg_dump"), "--format=custom", f"--file={dump}"],
                 pg_env(connection.settings_dict), "データベースのバックアップ（pg_dump）")
        else:
            dump = work / SQLITE_DUMP
            connection.ensure_connection()
            with sqlite3.connect(dump) as dest:
                connection.connection.backup(dest)
            dest.close()
        manifest = {
            "created_at": now.isoformat(), "kasane_version": kasane.__version__,
            "git_hash": _git_hash(), "vendor": connection.vendor,
            "tables": current_checksums(),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                     encoding="utf-8")
        with tarfile.open(target, "w") as tar:
            tar.add(work / MANIFEST, MANIFEST)
            tar.add(dump, dump.name)
            if media.is_dir():
                tar.add(media, "media")
    return target


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive) as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return json.loads(member.read().decode("utf-8"))  # type: ignore[no-any-return]
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise OpsError(f"バックアップファイルを読めません（{archive}）: {exc}") from exc


def target_settings(url: str | None) -> dict[str, Any]:
    """Django settings dict of the restore target: ``url`` or the configured database."""
    if url:
        return dict(dj_database_url.parse(url))
    return dict(settings.DATABASES["default"])


def _vendor(db: dict[str, Any]) -> str:
    return "postgresql" if "postgresql" in db["ENGINE"] else "sqlite"


def _pg_connect(db: dict[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(dbname=db["NAME"], user=db.get("USER") or None,
                           password=db.get("PASSWORD") or None, host=db.get("HOST") or None,
                           port=db.get("PORT") or None, autocommit=True)


def target_tables(db: dict[str, Any]) -> list[str]:
    """Tables already in the restore target (empty for a new database)."""
    if _vendor(db) == "postgresql":
        try:
            with _pg_connect(db) as conn, conn.cursor() as cursor:
                return table_names(cursor, "postgresql")
        except Exception as exc:  # psycopg.Error: any connection failure
            raise OpsError(f"復元先のデータベースに接続できません: {exc}") from exc
    path = Path(db["NAME"])
    if not path.exists():
        return []
    with sqlite3.connect(path) as conn:
        names = table_names(conn.cursor(), "sqlite")
    conn.close()
    return names


def target_checksums(db: dict[str, Any]) -> dict[str, TableSum]:
    if _vendor(db) == "postgresql":
        with _pg_connect(db) as conn, conn.cursor() as cursor:
            return table_checksums(cursor, "postgresql")
    with sqlite3.connect(db["NAME"]) as conn:
        sums = table_checksums(conn.cursor(), "sqlite")
    conn.close()
    return sums


def _drop_partitioned(db: dict[str, Any]) -> None:
    """Drop the target's partitioned tables (the access log, with its monthly partitions)
    before ``pg_restore --clean``: its clean step drops each partition's primary key on its
    own, which PostgreSQL refuses for a key inherited from the parent."""
    with _pg_connect(db) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c "
                       "ON c.oid = p.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = current_schema()")
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP TABLE IF EXISTS {_quote_ident(name)} CASCADE")


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def restore(archive: Path, db: dict[str, Any], media_root: Path, *, force: bool) -> dict[str, Any]:
    """Restore ``archive`` into ``db`` and ``media_root``; return the manifest.

    Refuses a target that already has tables unless ``force``."""
    manifest = read_manifest(archive)
    if manifest.get("vendor") != _vendor(db):
        raise OpsError(f"バックアップは {manifest.get('vendor')} 用で、復元先は {_vendor(db)} です。"
                       "同じ種類のデータベースに復元してください。")
    if target_tables(db) and not force:
        raise OpsError("復元先のデータベースは空ではありません。上書きしてよい場合は --yes を付けて"
                       "実行してください。")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
        work = Path(tmp)
        if _vendor(db) == "postgresql":
            _drop_partitioned(db)
            _run([_tool("pg_restore"), "--no-owner", "--clean", "--if-exists",
                  f"--dbname={db['NAME']}", str(work / PG_DUMP)],
                 pg_env(db), "データベースの復元（pg_restore）")
        else:
            Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / SQLITE_DUMP, db["NAME"])
        if (work / "media").is_dir():
            shutil.copytree(work / "media", media_root, dirs_exist_ok=True)
    return manifest
