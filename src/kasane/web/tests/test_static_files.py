"""Hashed static files are sent with year-long cache headers and precompressed.

Production and the demo (``./kasane demo`` sets ``KASANE_STATIC_HASHED`` and collects) serve
``collectstatic``'s hashed names through WhiteNoise; tests and ``runserver`` read the source
folders. The check runs in a subprocess: the storage and WhiteNoise read their settings once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]

SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from django.templatetags.static import static
from django.test import Client
client = Client()
url = static("kasane/kasane.css")
hashed = client.get(url, headers={"Accept-Encoding": "gzip"})
page = client.get("/accounts/login/")
print(json.dumps({"url": url, "status": hashed.status_code,
                  "cache": hashed.get("Cache-Control", ""),
                  "encoding": hashed.get("Content-Encoding", ""),
                  "linked": url in page.content.decode()}))
"""


def test_it_sends_hashed_files_with_long_cache_headers(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "KASANE_VAR_DIR": str(tmp_path),
           "KASANE_STATIC_HASHED": "1", "DJANGO_SETTINGS_MODULE": "kasane.settings"}
    env.pop("KASANE_ENV", None)
    env.pop("KASANE_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["url"].startswith("/static/kasane/kasane.") and result["url"] != \
        "/static/kasane/kasane.css"  # a hashed name
    assert result["linked"]
    assert result["status"] == 200
    assert "max-age=315360000" in result["cache"] and "immutable" in result["cache"]
    assert result["encoding"] == "gzip"
