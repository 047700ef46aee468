"""The demo loader's notify part: a rota, two past alerts with timelines (resolved: no banner),
idempotent."""

from __future__ import annotations

import pytest

from kasane.notify.models import Alert, AlertStatus, NotificationSetting, RotaShift
from kasane.web.demo import load_demo


@pytest.mark.django_db
def test_it_loads_past_alerts_a_rota_and_settings_once(client) -> None:
    load_demo()
    load_demo()
    alerts = list(Alert.objects.order_by("created_at"))
    assert len(alerts) == 2 and all(a.status == AlertStatus.RESOLVED for a in alerts)
    assert [e.kind for e in alerts[0].timeline.all()] == ["raised", "acknowledged", "owned",
                                                          "resolved"]
    assert alerts[0].timeline.first().at < alerts[0].timeline.last().at
    assert RotaShift.objects.filter(order=0).count() == 4
    assert NotificationSetting.objects.filter(user__username="suishin", digest=True).exists()
    assert client.login(username="csw", password="kasane-demo")
    page = client.get(f"/alerts/{alerts[0].pk}/").content.decode()
    assert "救急搬送" in page and 'data-testid="alert-banner"' not in page
