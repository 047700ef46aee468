"""The empty form of a sheet (what ``bench web`` opens before submitting a つなぐシート) runs a
fixed, small number of queries: the definition in force is one query, the pickers' lists one
each; a new query here must be a deliberate change of ``FORM_QUERIES``."""

from __future__ import annotations

import pytest

FORM_QUERIES = 8  # measured: session, user, OTP device, membership, definition, pickers …


@pytest.mark.parametrize("code", ["liaison", "intake_application"])
def test_the_empty_form_runs_a_fixed_number_of_queries(city, client, code,
                                                      django_assert_max_num_queries) -> None:
    client.force_login(city.coordinator)
    assert client.get(f"/sheets/new/{code}/").status_code == 200  # per-process caches warm
    with django_assert_max_num_queries(FORM_QUERIES):
        response = client.get(f"/sheets/new/{code}/")
    assert response.status_code == 200
    assert 'name="_form_key"' in response.content.decode()
