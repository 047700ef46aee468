"""API contract: /api/v1/pdca/plans and /plans/{id}/summary."""

import pytest

from kasane.pdca.models import Evaluation


@pytest.mark.django_db
def test_it_lists_the_plans_of_the_tenant(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    body = client.get("/api/v1/pdca/plans").json()
    assert body == {"items": [{"id": pdca.plan.pk, "name": "テスト地域福祉計画"}], "count": 1}


@pytest.mark.django_db
def test_it_summarises_grades_per_graded_node(pdca, city, client) -> None:
    Evaluation.objects.create(node=pdca.g1, fiscal_year=2024, override_grade="B",
                              override_reason="審議")
    client.force_login(pdca.iin)
    body = client.get(f"/api/v1/pdca/plans/{pdca.plan.pk}/summary?fiscal_year=2024").json()
    assert body["counts"] == {"A": 0, "B": 2, "C": 0, "D": 0}
    assert body["total"] == 2
    assert body["items"][0] == {"code": "1-1-1", "display_code": "1－(1)－①",
                                "title": "担い手育成", "grade": "B",
                                "computed_grade": "C", "overridden": True, "achieved": 1,
                                "counted": 3}
    assert body["items"][1]["overridden"] is False


@pytest.mark.django_db
def test_it_refuses_readers_without_pdca_rights_and_other_tenants(pdca, city, client) -> None:
    client.force_login(city.auditor)
    response = client.get("/api/v1/pdca/plans")
    assert response.status_code == 403 and "detail" in response.json()
    client.force_login(city.other_admin)
    assert client.get(f"/api/v1/pdca/plans/{pdca.plan.pk}/summary?fiscal_year=2024"
                      ).status_code == 403
    client.force_login(city.secretariat)
    assert client.get("/api/v1/pdca/plans/999999/summary?fiscal_year=2024").json() == \
        {"detail": "見つかりません。"}
    assert client.get(f"/api/v1/pdca/plans/{pdca.plan.pk}/summary").status_code == 422
