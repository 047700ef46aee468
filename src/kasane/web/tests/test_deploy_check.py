"""Production settings pass Django's deploy checks and refuse to start without secrets."""

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[3]


def _run(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("KASANE_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"PYTHONPATH": str(SRC), "DJANGO_SETTINGS_MODULE": "kasane.settings", **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120, cwd=SRC,
    )


def test_it_passes_check_deploy_in_production() -> None:
    result = _run({
        "KASANE_ENV": "production",
        "KASANE_SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-Zq8#kLm2",
        "KASANE_DATABASE_URL": "postgresql://kasane@127.0.0.1:5432/kasane",
        "KASANE_ALLOWED_HOSTS": "kasane.example.lg.jp",
    })
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_production_without_a_secret_key() -> None:
    result = _run({"KASANE_ENV": "production",
                   "KASANE_DATABASE_URL": "postgresql://kasane@127.0.0.1:5432/kasane"})
    assert result.returncode != 0
    assert "KASANE_SECRET_KEY" in result.stderr
