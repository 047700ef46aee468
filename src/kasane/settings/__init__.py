"""Kasane settings: one module, every value from a ``KASANE_*`` environment variable.

Without ``KASANE_ENV`` the defaults are the demo/dev ones (SQLite under ``var/``, demo logins,
MFA not enforced). ``KASANE_ENV=production`` requires the secrets and turns on every
production protection. Each variable is listed in docs/operations.md.
"""

from .base import *  # noqa: F403
