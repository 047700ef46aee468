import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kasane.access.models import Grant
from kasane.audit.models import AccessLog, ChangeRecord
from kasane.cases import policy as case_policy
from kasane.cases import services
from kasane.cases.models import Case, CaseEvent, Contact, Involvement, Referral, SupportPlan
from kasane.people import services as people_services
from kasane.people.tests.factories import actor, make_person

from .factories import contact_data, make_plan, refer, setup_case

pytestmark = pytest.mark.django_db


def test_it_opens_a_case_with_lead_involvement_and_history(city):
    s = setup_case(city)
    assert s.case.status == "intake"
    inv = Involvement.objects.get(case=s.case)
    assert (inv.organization_id, inv.role, inv.basis) == (city.orgs["city"].pk, "lead", "own_record")
    assert CaseEvent.objects.filter(case=s.case, kind="opened").exists()
    assert ChangeRecord.objects.filter(model__icontains="case", object_id=str(s.case.pk),
                                       operation="create").exists()
    assert list(case_policy.visible_cases(s.coord)) == [s.case]


def test_it_refuses_a_case_for_an_invisible_person(city):
    hidden = make_person(city.recorder)
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=actor(city.coordinator), person_ids=[hidden.pk], summary="x")
    assert "person_ids" in exc.value.message_dict
    assert Case.objects.count() == 0


def test_it_refuses_roles_without_case_work(city):
    with pytest.raises(PermissionDenied):
        services.case_open(actor=actor(city.liaison), person_ids=[], summary="x")


def test_it_hides_the_case_from_a_referred_org_until_it_accepts(city):
    s = setup_case(city)
    ref = refer(s, city.orgs["shougai"])
    assert not case_policy.visible_cases(s.recorder).exists()
    with pytest.raises(Http404):
        case_policy.require_case(s.recorder, s.case.pk)
    assert AccessLog.objects.filter(action="case.view", basis="denied").exists()
    services.referral_accept(actor=s.recorder, referral=ref)
    assert list(case_policy.visible_cases(s.recorder)) == [s.case]
    grant = Grant.objects.get(source_type="referral", source_id=str(ref.pk))
    assert (grant.basis, grant.organization_id) == ("case_involvement", city.orgs["shougai"].pk)
    assert not case_policy.visible_cases(s.outsider).exists()


def test_it_refuses_a_referral_without_valid_consent(city):
    s = setup_case(city, consent_orgs=("houkatsu",))
    with pytest.raises(ValidationError) as exc:
        refer(s, city.orgs["shougai"])
    assert "consent_id" in exc.value.message_dict
    people_services.consent_withdraw(actor=s.coord, consent=s.consent, reason="本人の申し出")
    with pytest.raises(ValidationError):
        refer(s, city.orgs["houkatsu"])
    assert Referral.objects.count() == 0


def test_it_refuses_accepting_a_declined_referral(city):
    s = setup_case(city)
    ref = refer(s, city.orgs["shougai"])
    services.referral_decline(actor=s.recorder, referral=ref, reason="対象外です")
    with pytest.raises(ValidationError):
        services.referral_accept(actor=s.recorder, referral=Referral.objects.get(pk=ref.pk))
    assert not Involvement.objects.filter(organization=city.orgs["shougai"]).exists()


def test_it_lets_only_the_receiving_org_answer(city):
    s = setup_case(city)
    ref = refer(s, city.orgs["shougai"])
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=s.partner, referral=ref)


def test_it_loops_proposal_rerefer_and_withdraw(city):
    s = setup_case(city)
    ref = refer(s, city.orgs["houkatsu"])
    with pytest.raises(ValidationError):
        services.referral_propose(actor=s.partner, referral=ref, text="")
    services.referral_propose(actor=s.partner, referral=ref, text="まず民生委員の見守りを")
    again = services.referral_rerefer(actor=s.coord, referral=Referral.objects.get(pk=ref.pk),
                                      reason="見守りを試みたが困難")
    assert again.previous_id == ref.pk and again.status == "requested"
    assert Referral.objects.get(pk=ref.pk).status == "withdrawn"


def test_it_needs_an_approved_plan_before_supporting(city):
    s = setup_case(city)
    with pytest.raises(ValidationError):
        services.case_status_change(actor=s.coord, case=s.case, to_status="supporting")
    plan = make_plan(s, city)
    with pytest.raises(ValidationError):
        services.case_status_change(actor=s.coord, case=Case.objects.get(pk=s.case.pk),
                                    to_status="supporting")
    services.plan_approve(actor=s.coord, plan=plan)
    case = services.case_status_change(actor=s.coord, case=Case.objects.get(pk=s.case.pk),
                                       to_status="supporting")
    assert case.status == "supporting"
    assert CaseEvent.objects.filter(case=case, kind="status", to_status="supporting").exists()


def test_it_refuses_a_plan_without_lead(city):
    s = setup_case(city)
    with pytest.raises(ValidationError) as exc:
        make_plan(s, city, lead_org_id=None, lead_user_id=None)
    assert {"lead_org", "lead_user"} <= set(exc.value.message_dict)
    assert SupportPlan.objects.count() == 0


def test_it_involves_plan_orgs_with_grants_only_where_consent_names_them(city):
    s = setup_case(city, consent_orgs=("houkatsu",))
    plan = make_plan(s, city, tasks=[
        {"org_id": city.orgs["houkatsu"].pk, "task": "介護申請", "frequency": ""},
        {"org_id": city.orgs["shakyo"].pk, "task": "居場所", "frequency": ""}])
    services.plan_approve(actor=s.coord, plan=plan)
    assert set(Involvement.objects.filter(case=s.case).values_list("organization__name", flat=True)) \
        == {"福祉相談課", "地域包括北部", "社協"}
    assert Grant.objects.filter(source_type="plan", organization=city.orgs["houkatsu"]).exists()
    assert not Grant.objects.filter(source_type="plan", organization=city.orgs["shakyo"]).exists()
    assert case_policy.visible_cases(s.partner).exists()
    assert not case_policy.visible_cases(s.outsider).exists()


def test_it_records_failed_contacts_and_refuses_future_ones(city):
    s = setup_case(city)
    c = services.contact_record(actor=s.coord, case=s.case, data=contact_data(
        reached=False, not_reached_reason="不在", summary="訪問したが不在。手紙を投函"))
    assert not c.reached
    with pytest.raises(ValidationError) as exc:
        services.contact_record(actor=s.coord, case=s.case, data=contact_data(
            at=timezone.now() + dt.timedelta(days=1)))
    assert "at" in exc.value.message_dict
    assert Contact.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.contact_record(actor=s.outsider, case=s.case, data=contact_data())


def test_it_refuses_a_stale_contact_version(city):
    s = setup_case(city)
    c = services.contact_record(actor=s.coord, case=s.case, data=contact_data())
    services.contact_update(actor=s.coord, contact=c, data=contact_data(summary="一回目"),
                                    expected_version=1)
    with pytest.raises(services.Conflict) as exc:
        services.contact_update(actor=s.coord, contact=c, data=contact_data(summary="二回目"),
                                        expected_version=1)
    assert exc.value.current.summary == "一回目"
    assert Contact.objects.get(pk=c.pk).summary == "一回目"


def test_it_refuses_closing_with_open_referrals(city):
    s = setup_case(city)
    refer(s, city.orgs["houkatsu"])
    with pytest.raises(ValidationError) as exc:
        services.case_close(actor=s.coord, case=s.case, reason="goal_met", evaluation="完了")
    assert "地域包括北部" in exc.value.message_dict["reason"][0]
    assert Case.objects.get(pk=s.case.pk).status == "intake"


def test_it_closes_from_intake_and_into_watching(city):
    s = setup_case(city)
    with pytest.raises(ValidationError) as exc:
        services.case_close(actor=s.coord, case=s.case, reason="connected",
                                    evaluation="安定", watch=True)
    assert {"watch_org", "watch_method", "next_check_on"} <= set(exc.value.message_dict)
    closure = services.case_close(
        actor=s.coord, case=s.case, reason="connected", evaluation="安定", watch=True,
        watch_org_id=city.orgs["shakyo"].pk, watch_method="月1回の電話",
        next_check_on=timezone.localdate() + dt.timedelta(days=30))
    case = Case.objects.get(pk=s.case.pk)
    assert case.status == "watching" and closure.watch
    services.case_close(actor=s.coord, case=case, reason="goal_met", evaluation="終了")
    assert Case.objects.get(pk=s.case.pk).status == "closed"
    with pytest.raises(ValidationError):
        services.case_status_change(actor=s.coord, case=Case.objects.get(pk=s.case.pk),
                                    to_status="assessment")


def test_it_refuses_a_stale_case_version(city):
    s = setup_case(city)
    services.case_update(actor=s.coord, case=s.case, expected_version=1, summary="更新1")
    with pytest.raises(services.Conflict):
        services.case_update(actor=s.coord, case=s.case, expected_version=1, summary="更新2")
    assert Case.objects.get(pk=s.case.pk).summary == "更新1"
