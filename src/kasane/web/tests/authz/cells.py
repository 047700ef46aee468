"""Running one cell: a request as one actor, rolled back, with the rows it wrote."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from .probe import verdict

# Tables a request may write without changing anything of the world: the append-only access
# log (its partitions), sessions, and login bookkeeping.
QUIET_TABLES = re.compile(r"^(audit_accesslog.*|django_session|accounts_user|accounts_loginfailure)$")


def _writes() -> dict[str, int]:
    """Rows inserted/updated/deleted so far in this transaction, per table (PostgreSQL), or
    the ChangeRecord count elsewhere (every service write leaves one)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del "
                           "FROM pg_stat_xact_user_tables")
            return {name: n for name, n in cursor.fetchall() if not QUIET_TABLES.match(name)}
    from kasane.audit.models import ChangeRecord

    return {"audit_changerecord": ChangeRecord.objects.count()}


def written(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """Tables whose write counters moved between two ``_writes`` snapshots."""
    return sorted(t for t, n in after.items() if n != before.get(t, 0))


def sample_body(schema: dict[str, Any] | None, components: dict[str, Any],
                ids: dict[str, Any]) -> dict[str, Any]:
    """A JSON body that passes the schema's validation where it can (so the request reaches
    the authorization check): strings, today's date, the first enum value, known ids."""
    if not schema:
        return {}
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    body: dict[str, Any] = {}
    for name in schema.get("required", []):
        prop = schema.get("properties", {}).get(name, {})
        body[name] = _value(name, prop, components, ids)
    return body


def _value(name: str, prop: dict[str, Any], components: dict[str, Any],
           ids: dict[str, Any]) -> Any:
    if "$ref" in prop:
        target = components[prop["$ref"].rsplit("/", 1)[1]]
        if "enum" in target:
            return target["enum"][0]
        return sample_body(target, components, ids)
    options = [prop, *prop.get("anyOf", []), *prop.get("allOf", [])]
    kinds = {o.get("type") for o in options}
    if "enum" in prop:
        return prop["enum"][0]
    if "integer" in kinds:
        return ids.get(name, 1)
    if any(o.get("format") == "date-time" for o in options) or name in {"at", "starts_at"}:
        return dt.datetime.now(dt.UTC).isoformat()
    if name in {"on", "date"} or name.endswith(("_on", "_date")):
        return timezone.localdate().isoformat()
    if "array" in kinds:
        return []
    if "boolean" in kinds:
        return False
    if "number" in kinds:
        return 1
    if any(o.get("format") == "date" for o in options):
        return timezone.localdate().isoformat()
    if "object" in kinds:
        return {}
    return REASON


REASON = "安否確認のため、至急連絡先を確認する必要があります。"


def sample_query(operation: dict[str, Any], ids: dict[str, Any]) -> dict[str, Any]:
    """Required query parameters of a GET operation, with sample values."""
    query: dict[str, Any] = {}
    for param in operation.get("parameters", []):
        if param.get("in") == "query" and param.get("required"):
            query[param["name"]] = _value(param["name"], param.get("schema", {}), {}, ids)
    return query


def run(user: Any, method: str, url: str, *, body: Any = None, api: bool = False,
        inside: Callable[[Any], Any] | None = None) -> tuple[Any, list[str]]:
    """One request as ``user`` (None: anonymous), rolled back; the response and the tables
    it wrote (other than the quiet ones). ``inside(response)`` runs before the rollback (to
    look at the rows the request wrote, e.g. its AccessLog rows)."""
    client = Client(raise_request_exception=False)
    with transaction.atomic():
        if user is not None:
            client.force_login(user)
        track = method != "get"  # GET cells are not checked for writes
        before = _writes() if track else {}
        send = getattr(client, method)
        if api and method != "get":
            response = send(url, body or {}, content_type="application/json")
        elif method == "get":
            response = send(url, body or {})
        else:
            response = send(url, body or {})
        _keep_stream(response)
        after = _writes() if track else {}
        if inside is not None:
            inside(response)
        transaction.set_rollback(True)
    return response, written(before, after)


def _keep_stream(response: Any) -> None:
    """Read a streamed body once (files, exports) so that it can be checked after the
    rollback; an event stream (endless) or an async stream is left unread."""
    if not getattr(response, "streaming", False):
        return
    if "event-stream" in response.get("Content-Type", "") or response.is_async:
        response.content_bytes = b""
        return
    response.content_bytes = b"".join(response.streaming_content)


def judged(response: Any, method: str) -> str:
    return verdict(response, posted=method != "get")
