"""The committed API schema (docs/openapi.json) must match the code: contracts never drift
unreviewed. After an intentional change run ``./kasane openapi_snapshot``."""

import pytest

from kasane.web.management.commands.openapi_snapshot import SNAPSHOT, current_schema


@pytest.mark.django_db
def test_it_matches_the_committed_openapi_schema() -> None:
    assert SNAPSHOT.exists(), "run ./kasane openapi_snapshot"
    assert SNAPSHOT.read_text(encoding="utf-8") == current_schema(), (
        "docs/openapi.json is stale: run ./kasane openapi_snapshot and review the diff")


def test_it_keeps_the_contract_paths() -> None:
    import json

    paths = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["paths"]
    for path in ["/api/v1/auth/token", "/api/v1/me", "/api/v1/organizations",
                 "/api/v1/persons", "/api/v1/persons/{person_id}",
                 "/api/v1/sheet-definitions", "/api/v1/sheet-records",
                 "/api/v1/pdca/plans", "/api/v1/pdca/plans/{plan_id}/summary"]:
        assert path in paths, path
