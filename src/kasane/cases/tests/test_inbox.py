import pytest

from kasane.cases import inbox
from kasane.people.tests.factories import actor

from .factories import refer, setup_case

pytestmark = pytest.mark.django_db


def test_it_lists_referrals_waiting_for_my_org(city):
    s = setup_case(city)
    ref = refer(s, city.orgs["shougai"])
    section = inbox.referrals_waiting(city.recorder, actor(city.recorder))
    assert [i["url"] for i in section.items] == [f"/cases/referrals/{ref.pk}/"]
    assert inbox.referrals_waiting(city.outsider, actor(city.outsider)).items == []
    assert inbox.referrals_waiting(city.liaison, actor(city.liaison)) is None


def test_it_lists_recently_changed_cases_only_to_involved_orgs(city):
    s = setup_case(city)
    assert len(inbox.recently_changed(city.coordinator, s.coord).items) == 1
    assert inbox.recently_changed(city.outsider, s.outsider).items == []
