"""Log filters of the project (settings.LOGGING).

Django's ``django.request`` logger writes every ``PermissionDenied`` as a warning *with its
traceback*, although a refusal is an ordinary answer (a role without the right, a person
without a legal basis — the refusal itself is in the audit log). ``PermissionDeniedOneLine``
turns it into one warning line: method, path (no query string: it may hold a searched name),
user id and the refusal's message. Other records pass unchanged.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", None) == 403 and isinstance(exc, PermissionDenied):
            request = getattr(record, "request", None)
            user = getattr(request, "user", None)
            user_id = getattr(user, "pk", None) if user is not None else None
            record.msg = "403 %s %s user=%s: %s"
            record.args = (getattr(request, "method", "-"), getattr(request, "path", "-"),
                           user_id if user_id is not None else "-", str(exc) or "Forbidden")
            record.exc_info = None
            record.exc_text = None
        return True
