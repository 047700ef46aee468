"""ASGI entry point: production runs gunicorn with uvicorn workers (docs/operations.md)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")
application = get_asgi_application()
