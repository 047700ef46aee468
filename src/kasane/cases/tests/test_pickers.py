"""Case pickers offer only role-appropriate staff and agencies; the services refuse the rest."""

import pytest
from django.core.exceptions import ValidationError

from kasane.cases import services
from kasane.cases.forms import PlanForm, ReferralForm

from .factories import make_plan, setup_case

pytestmark = pytest.mark.django_db


def _labels(form, name):
    return [str(label) for value, label in form.fields[name].choices if value != ""]


def test_it_offers_referrals_only_to_agencies_with_case_staff(city) -> None:
    form = ReferralForm(municipality_id=city.municipality.pk, consents=[])
    assert _labels(form, "to_org") == ["福祉相談課", "社協", "地域包括北部", "障害相談"]


def test_it_refuses_a_referral_to_a_back_office_or_a_facility_without_case_staff(city) -> None:
    s = setup_case(city)
    for org in (city.orgs["audit"], city.orgs["library"]):
        with pytest.raises(ValidationError) as exc:
            services.referral_create(actor=s.coord, case=s.case, to_org_id=org.pk, reason="依頼",
                                     consent_id=s.consent.pk)
        assert exc.value.message_dict["to_organization_id"] == ["相談支援の職員がいる機関から選んでください。"]


def test_it_offers_case_staff_only_as_the_plans_lead(city) -> None:
    form = PlanForm(municipality_id=city.municipality.pk)
    users = " ".join(_labels(form, "lead_user"))
    assert "coordinator" in users and "partner" in users
    for name in ("admin", "auditor", "secretariat", "liaison"):
        assert name not in users
    assert "監査担当" not in _labels(form, "task_org_0") and "図書館" in _labels(form, "task_org_0")


def test_it_refuses_an_admin_of_the_lead_org_as_lead_user(city) -> None:
    s = setup_case(city)
    with pytest.raises(ValidationError) as exc:  # admin is a member of 福祉相談課, not case staff
        make_plan(s, city, lead_user_id=city.admin.pk)
    assert "lead_user" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_plan(s, city, tasks=[{"org_id": city.orgs["audit"].pk, "task": "x", "frequency": ""}])
    assert "tasks" in exc.value.message_dict
