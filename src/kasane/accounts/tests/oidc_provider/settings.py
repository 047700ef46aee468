"""Settings of the throw-away OpenID provider the SSO tests start (django-oidc-provider).

Not part of Kasane: a separate Django project run in a subprocess on 127.0.0.1 with its own
SQLite file (``KASANE_TEST_OP_DB``). Users and their ``amr`` come from ``KASANE_TEST_OP_USERS``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECRET_KEY = "test-oidc-provider-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "kasane.accounts.tests.oidc_provider.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",
              "DIRS": [HERE / "templates"], "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                 "django.contrib.auth.context_processors.auth"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.environ.get("KASANE_TEST_OP_DB", str(HERE / "op.sqlite3"))}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/login/"
SITE_URL = os.environ.get("KASANE_TEST_OP_URL", "http://127.0.0.1:8765")
OIDC_USERINFO = "kasane.accounts.tests.oidc_provider.claims.userinfo"
OIDC_IDTOKEN_PROCESSING_HOOK = "kasane.accounts.tests.oidc_provider.claims.idtoken_hook"
TEST_USERS = json.loads(os.environ.get("KASANE_TEST_OP_USERS", "[]"))
