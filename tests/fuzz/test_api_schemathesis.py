"""schemathesis against ``/api/v1/openapi.json`` as an authenticated user (issue 22 fuzzing).

Every operation of the committed schema (docs/openapi.json; the snapshot test keeps it equal
to the live one) is one test, so the operations spread over the xdist workers. Each test loads
the live schema from the WSGI app, generates valid and invalid requests (positive and
negative modes) and sends them in-process with a coordinator's bearer token — inside the
test's transaction, rolled back afterwards. Checks: no server error, documented status code,
content type, response headers and response body schema. ``KASANE_FUZZ_API_EXAMPLES``
(default 5) examples an operation and mode; ``./kasane bench fuzz`` raises it.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
PREFIX = "/api/v1"
OPERATIONS = [(method.upper(), path) for path, item in SNAPSHOT["paths"].items()
              for method in item if method in {"get", "post", "put", "patch", "delete"}]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("KASANE_FUZZ_API_EXAMPLES", "5"))


def _token(city: Any) -> str:
    from kasane.accounts.models import Membership
    from kasane.accounts.services import api_token_issue

    membership = Membership.objects.get(user=city.coordinator)
    return api_token_issue(user=city.coordinator, membership=membership, name="fuzz")


_SCHEMA: list[Any] = []


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """As Django's test client does: a request through the WSGI app must not close the
    database connection (that would end the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _operation(method: str, path: str) -> Any:
    """The live schema's operation (the schema is loaded once a worker)."""
    from kasane.wsgi import application

    if not _SCHEMA:
        _SCHEMA.append(schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", application))
    for result in _SCHEMA[0].get_all_operations():
        operation = result.ok()
        if operation.method.upper() == method and operation.path == path:
            return operation
    raise AssertionError(f"{method} {path} is not in the live schema")


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_api_answers_generated_requests_within_its_schema(
        method: str, path: str, city: Any, tally: Counter[str], keep_connection: None) -> None:
    operation = _operation(method, path)
    headers = {"Authorization": f"Bearer {_token(city)}", "Accept-Encoding": "identity"}
    failures: list[str] = []
    strategy = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                         operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        tally["inputs"] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # noqa: BLE001 — every failure is collected and reported below
            kind = "server_errors" if response.status_code >= 500 else "schema_violations"
            tally[kind] += 1
            failures.append(f"{kind}: {case.method} {case.formatted_path} → {response.status_code}: "
                            f"{str(exc)[:600]}")

    run()
    assert not failures, "\n".join(failures[:5])


def test_every_operation_is_fuzzed() -> None:
    assert len(OPERATIONS) >= 50
    assert ("POST", f"{PREFIX}/persons") in OPERATIONS or ("POST", "/persons") in OPERATIONS
