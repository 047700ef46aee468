"""Production settings pass Django's deploy checks and refuse to start without secrets."""

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[3]

PRODUCTION = {"KASANE_ENV": "production",
              "KASANE_SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-Zq8#kLm2",
              "KASANE_DATABASE_URL": "postgresql://kasane@127.0.0.1:5432/kasane",
              "KASANE_ALLOWED_HOSTS": "kasane.example.lg.jp"}


def _python(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` with this checkout's settings and only ``env_extra`` of KASANE_*."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("KASANE_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"PYTHONPATH": str(SRC), "DJANGO_SETTINGS_MODULE": "kasane.settings", **env_extra})
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          timeout=120, cwd=SRC)


def _run(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _python(["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], env_extra)


def test_it_passes_check_deploy_in_production() -> None:
    result = _run(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_production_without_a_secret_key() -> None:
    result = _run({"KASANE_ENV": "production",
                   "KASANE_DATABASE_URL": "postgresql://kasane@127.0.0.1:5432/kasane"})
    assert result.returncode != 0
    assert "KASANE_SECRET_KEY" in result.stderr


def _serving(env_extra: dict[str, str]) -> list[str]:
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.KASANE_WORKER_CONCURRENCY, s.KASANE_DB_POOL_SIZE, "
            "s.DATABASES['default']['ENGINE'])")
    result = _python(["-c", code], env_extra)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_serves_with_the_concurrency_limit_and_the_pool_by_default() -> None:
    """Issue 21: measured together they serve more and queue less (docs/scaling.md §2.7)."""
    assert _serving(PRODUCTION) == ["8", "8", "kasane.core.pgpool"]
    off = {**PRODUCTION, "KASANE_WORKER_CONCURRENCY": "0", "KASANE_DB_POOL_SIZE": "0"}
    assert _serving(off) == ["0", "0", "django.db.backends.postgresql"]
    assert _serving({**PRODUCTION, "KASANE_WORKER_CONCURRENCY": "3"})[:2] == ["3", "8"]
    assert _serving({})[:2] == ["0", "0"]  # development and tests: neither
