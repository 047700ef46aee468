import pytest

from kasane.access.services import emergency_access_request
from kasane.people.inbox import emergency_reviews_waiting, my_emergency_grants
from kasane.people.tests.factories import actor, make_person

pytestmark = pytest.mark.django_db


def test_it_lists_waiting_reviews_for_coordinators_only(city) -> None:
    person = make_person(city.recorder)
    emergency_access_request(actor=actor(city.outsider), person_id=person.pk,
                             reason="訪問時に応答がなく、安否確認のため")
    section = emergency_reviews_waiting(city.coordinator, actor(city.coordinator))
    assert len(section.items) == 1 and person.full_name not in section.items[0]["label"]
    assert emergency_reviews_waiting(city.partner, actor(city.partner)) is None
    mine = my_emergency_grants(city.outsider, actor(city.outsider))
    assert mine.items[0]["url"] == f"/people/{person.pk}/"
    assert my_emergency_grants(city.partner, actor(city.partner)) is None
