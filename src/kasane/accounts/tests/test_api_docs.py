"""/api/v1/docs needs sign-in in production settings; /api/v1/openapi.json stays public."""

import pytest


@pytest.mark.django_db
def test_the_docs_need_sign_in_unless_public(city, client, settings) -> None:
    settings.KASANE_API_DOCS_PUBLIC = False
    response = client.get("/api/v1/docs")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/openapi.json").status_code == 200
    client.force_login(city.recorder)
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.django_db
def test_the_docs_are_public_in_demo_settings(client, settings) -> None:
    settings.KASANE_API_DOCS_PUBLIC = True
    assert client.get("/api/v1/docs").status_code == 200


def test_production_keeps_the_docs_private_by_default() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "KASANE_ENV": "production", "KASANE_SECRET_KEY": "x" * 50,
           "KASANE_DATABASE_URL": "sqlite:////tmp/unused.sqlite3", "KASANE_ALLOWED_HOSTS": "kasane.example",
           "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    env.pop("KASANE_API_DOCS_PUBLIC", None)
    out = subprocess.run([sys.executable, "-c", "import kasane.settings.base as b; print(b.KASANE_API_DOCS_PUBLIC)"],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
