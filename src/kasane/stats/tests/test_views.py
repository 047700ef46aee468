"""The statistics page and API: figures for the secretariat and committee only."""

import pytest
from django.utils import timezone

from kasane.core.wareki import fiscal_year


@pytest.mark.django_db
def test_it_lists_metrics_for_the_secretariat_only(city, client) -> None:
    client.force_login(city.secretariat)
    page = client.get("/stats/?fiscal_year=2024").content.decode()
    assert "相談支援包括化推進員 配置数" in page and "P0-1" in page
    body = client.get("/api/v1/stats/metrics?fiscal_year=2024").json()
    values = {m["key"]: m["value"] for m in body["items"]}
    # the coordinator's membership began today: not in force on 31 March 2025
    assert values["staff.coordinators"] == 0 and values["pdca.targets.achieved_rate"] is None
    year = fiscal_year(timezone.localdate())
    now = client.get(f"/api/v1/stats/metrics?fiscal_year={year}").json()
    assert {m["key"]: m["value"] for m in now["items"]}["staff.coordinators"] == 1
    reasons = {m["key"]: m["unavailable_reason"] for m in body["items"]}
    assert reasons["pdca.targets.achieved_rate"] == "この年度の年次目標がありません。"
    assert reasons["staff.coordinators"] == ""
    assert "算出できません: この年度の年次目標がありません。" in page
    client.force_login(city.recorder)
    assert client.get("/stats/").status_code == 403
    assert client.get("/api/v1/stats/metrics").status_code == 403
