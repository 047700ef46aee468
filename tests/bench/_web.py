"""Shared skip rule of the web-tier bench tests: they need the local PostgreSQL (the bench
server's database is created next to KASANE_BENCH_DATABASE_URL or 127.0.0.1:5432)."""

from __future__ import annotations

import os

import pytest


def require_postgres() -> None:
    url = os.environ.get("KASANE_BENCH_DATABASE_URL",
                         "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            pass
    except Exception as exc:  # noqa: BLE001 - any failure: no server to bench against
        pytest.skip(f"no PostgreSQL for the bench server ({exc})")
