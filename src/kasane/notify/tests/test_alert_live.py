"""The live refresh of an alert page: only the status, recipients and timeline parts are
fetched again (``/alerts/<id>/live/``, htmx out-of-band swaps), never the emergency-access or
resolve forms, so what the user is typing there is never lost."""

from __future__ import annotations

import pytest

from kasane.notify import services
from kasane.people.tests.factories import actor, make_person

pytestmark = pytest.mark.django_db


def _alert(city):
    person = make_person(city.recorder)
    alert = services.alert_raise(actor=actor(city.recorder), urgency="immediate",
                                 summary="倒れているとの通報", needed="訪問", person_id=person.pk,
                                 target_organization_ids=[city.orgs["houkatsu"].pk])
    services.alert_acknowledge(actor=actor(city.partner), alert=alert)
    return services.alert_take(actor=actor(city.partner), alert=alert)


def test_the_live_fragment_has_the_changing_parts_and_no_form(city, client) -> None:
    alert = _alert(city)
    client.force_login(city.partner)
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    # the page itself has both forms, outside every part that is refreshed live
    assert f"/alerts/{alert.pk}/resolve/" in page and f"/alerts/{alert.pk}/emergency/" in page
    assert f'hx-get="/alerts/{alert.pk}/live/"' in page
    r = client.get(f"/alerts/{alert.pk}/live/")
    assert r.status_code == 200
    part = r.content.decode()
    for target in ("alert-status", "alert-recipients", "alert-timeline"):
        assert f'id="{target}" hx-swap-oob="true"' in part
    assert "対応中" in part and "受領" in part
    assert "<textarea" not in part and "/resolve/" not in part and "/emergency/" not in part
    assert 'name="note"' not in part and 'name="reason"' not in part


def test_the_live_fragment_is_refused_to_outsiders(city, client) -> None:
    alert = _alert(city)
    client.force_login(city.outsider)
    assert client.get(f"/alerts/{alert.pk}/live/").status_code == 404
