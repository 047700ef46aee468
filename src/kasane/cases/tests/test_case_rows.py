"""``cases.policy.require_case_row``: a contact, plan or involvement is reached only through
its case — the case's read is logged, a stranger and a missing row both get 404 with a
``denied`` row, and the edit screens answer the same way; ``require_case_subject`` gives a
subject person only through its case."""

from __future__ import annotations

import pytest
from django.http import Http404

from kasane.audit.models import AccessLog, Basis
from kasane.cases import policy as case_policy
from kasane.cases import services
from kasane.cases.models import Contact, Involvement, SupportPlan
from kasane.people.tests.factories import make_person

from .factories import contact_data, make_plan, setup_case

pytestmark = pytest.mark.django_db


def test_a_row_comes_with_its_case_and_the_cases_read_is_logged(city) -> None:
    s = setup_case(city)
    contact = services.contact_record(actor=s.coord, case=s.case, data=contact_data())
    row, case = case_policy.require_case_row(s.coord, Contact, contact.pk, action="contact")
    assert (row.pk, case.pk) == (contact.pk, s.case.pk)
    assert AccessLog.objects.filter(action="case.contact", object_id=str(s.case.pk),
                                    person_id=s.person.pk).exclude(basis=Basis.DENIED).exists()


@pytest.mark.parametrize("model", [Contact, SupportPlan, Involvement])
def test_a_stranger_and_a_missing_row_get_404_and_a_denied_row(city, model) -> None:
    s = setup_case(city)
    services.contact_record(actor=s.coord, case=s.case, data=contact_data())
    make_plan(s, city)
    row = model.objects.get(case=s.case) if model is not Involvement else \
        model.objects.filter(case=s.case).first()
    for who, pk in ((s.outsider, row.pk), (s.coord, 10**9), (s.coord, "x")):
        before = AccessLog.objects.filter(basis=Basis.DENIED).count()
        with pytest.raises(Http404):
            case_policy.require_case_row(who, model, pk, action="view")
        assert AccessLog.objects.filter(basis=Basis.DENIED).count() == before + 1


@pytest.mark.parametrize("url", ["/cases/contacts/{}/edit/", "/cases/plans/{}/edit/",
                                 "/cases/plans/{}/monitor/", "/cases/involvements/{}/end/"])
def test_the_screens_answer_404_for_a_missing_row(city, client, url) -> None:
    client.force_login(city.coordinator)
    assert client.get(url.format(10**9)).status_code == 404


def test_approving_a_missing_plan_answers_404(city, client) -> None:
    client.force_login(city.coordinator)
    assert client.post("/cases/plans/999999999/approve/").status_code == 404


def test_a_subject_comes_with_its_case_else_the_primary_subject(city) -> None:
    s = setup_case(city)
    other = make_person(city.coordinator, given_name="別人")
    for asked in (s.person.pk, str(s.person.pk), other.pk, "x", None):
        case, person = case_policy.require_case_subject(s.coord, s.case.pk, asked,
                                                        action="participation")
        assert (case.pk, person.pk) == (s.case.pk, s.person.pk)
    with pytest.raises(Http404):
        case_policy.require_case_subject(s.outsider, s.case.pk, s.person.pk, action="view")
