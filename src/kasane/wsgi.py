"""WSGI entry point (management commands and plain WSGI servers)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")
application = get_wsgi_application()
