import pytest

from kasane.access import policy
from kasane.access.models import EmergencyReview
from kasane.accounts import demo as accounts_demo
from kasane.people import demo
from kasane.people.models import Household, Person
from kasane.people.tests.factories import actor

pytestmark = pytest.mark.django_db


def test_it_loads_demo_persons_idempotently(settings) -> None:
    settings.DEMO_MODE = True
    data = accounts_demo.load()
    demo.load(data)
    counts = (Person.objects.count(), Household.objects.count(), EmergencyReview.objects.count())
    demo.load(data)
    assert (Person.objects.count(), Household.objects.count(),
            EmergencyReview.objects.count()) == counts
    assert counts[0] >= 140 and counts[1] >= 55 and counts[2] >= 2
    assert Person.objects.values("created_by_org").distinct().count() >= 5
    restricted = data["persons"]["restricted"]
    assert restricted.restriction == "dv"
    kodomo, suishin = actor(data["users"]["kodomo"]), actor(data["users"]["suishin"])
    assert not policy.is_restricted_for(kodomo, restricted)
    assert policy.person_basis(suishin, restricted.pk) == "consent"
    assert policy.is_restricted_for(suishin, restricted)
    assert policy.person_basis(suishin, data["persons"]["8050_child"].pk) == "consent"
