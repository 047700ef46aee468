"""An organization leaves a case: reason and date, its case_involvement grants end, the lead
org must hand 主担当 over first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kasane.access import policy
from kasane.access.models import Grant
from kasane.cases import services
from kasane.cases.models import Involvement

from .factories import refer, setup_case

pytestmark = pytest.mark.django_db


def _accepted(city):
    s = setup_case(city, consent_orgs=("houkatsu", "shougai"))
    ref = services.referral_accept(actor=s.partner, referral=refer(s, city.orgs["houkatsu"]))
    return s, ref


def test_it_ends_an_involvement_and_its_grants_from_the_form(city, client) -> None:
    s, ref = _accepted(city)
    # a consent grant and a grant from another case's referral stay
    inv = Involvement.objects.get(case=s.case, organization=city.orgs["houkatsu"])
    grant = Grant.objects.get(organization=city.orgs["houkatsu"], basis="case_involvement")
    assert grant.source_type == "referral" and grant.source_id == str(ref.pk)
    url = f"/cases/involvements/{inv.pk}/end/"
    client.force_login(city.outsider)
    assert client.get(url).status_code == 404
    client.force_login(city.partner)
    assert "関与を終了" in client.get(f"/cases/{s.case.pk}/").content.decode()
    r = client.post(url, {"reason": "", "ended_on": ""})
    assert r.status_code == 400 and "終了の理由: 入力してください。" in r.content.decode()
    r = client.post(url, {"reason": "介護保険の申請が済んだため", "ended_on": ""})
    assert r.status_code == 302 and r["Location"] == "/cases/"
    inv.refresh_from_db()
    assert inv.ended_on == timezone.localdate() and inv.end_reason == "介護保険の申請が済んだため"
    grant.refresh_from_db()
    assert grant.ended_at is not None and "関与を終了" in grant.end_reason
    assert client.get(f"/cases/{s.case.pk}/").status_code == 404  # the org no longer sees it
    assert policy.person_basis(s.partner, s.person.pk) == "consent"  # its consent grant stays
    client.force_login(city.coordinator)
    page = client.get(f"/cases/{s.case.pk}/").content.decode()
    assert "地域包括北部 が関与を終了" in page and "介護保険の申請が済んだため" in page
    with pytest.raises(ValidationError, match="すでに終了"):
        services.involvement_end(actor=s.coord, involvement=inv, reason="再度")


def test_it_keeps_the_lead_org_until_it_hands_over(city) -> None:
    s, _ref = _accepted(city)
    lead = Involvement.objects.get(case=s.case, organization=city.orgs["city"])
    with pytest.raises(ValidationError, match="主担当を他の関与機関に引き継いで"):
        services.involvement_end(actor=s.coord, involvement=lead, reason="引き継ぎ")
    case = services.case_update(actor=s.coord, case=s.case, expected_version=s.case.lock_version,
                                summary=s.case.summary, triage="3",
                                lead_org_id=city.orgs["houkatsu"].pk,
                                lead_user_id=city.partner.pk)
    assert case.lead_org_id == city.orgs["houkatsu"].pk
    ended = services.involvement_end(actor=s.coord, involvement=lead, reason="包括へ引き継ぎ")
    assert ended.ended_on is not None


def test_it_refuses_other_orgs_and_bad_dates(city) -> None:
    s, _ref = _accepted(city)
    inv = Involvement.objects.get(case=s.case, organization=city.orgs["houkatsu"])
    with pytest.raises(PermissionDenied):
        services.involvement_end(actor=s.outsider, involvement=inv, reason="x")
    with pytest.raises(ValidationError) as exc:
        services.involvement_end(actor=s.partner, involvement=inv, reason="x",
                                 ended_on=timezone.localdate() + dt.timedelta(days=1))
    assert "未来" in exc.value.message_dict["ended_on"][0]
    lead = Involvement.objects.get(case=s.case, organization=city.orgs["city"])
    with pytest.raises(PermissionDenied):  # a member org cannot remove the lead's involvement
        services.involvement_end(actor=s.partner, involvement=lead, reason="x")
    assert not Involvement.objects.filter(ended_on__isnull=False).exists()


def test_is_involved_answers_the_same_from_loaded_involvements_as_from_the_database(city) -> None:
    """The case page asks ``is_involved`` after ``page_relations`` loaded the involvements:
    the answer from memory equals the database's for an active, an ended and no involvement."""
    from kasane.cases import policy as case_policy
    from kasane.cases.models import Case
    from kasane.cases.selectors import page_relations

    s, _ref = _accepted(city)
    houkatsu = Involvement.objects.get(case=s.case, organization=city.orgs["houkatsu"])
    services.involvement_end(actor=s.partner, involvement=houkatsu, reason="申請が済んだため")
    services.referral_accept(actor=s.recorder, referral=refer(s, city.orgs["shougai"]))
    actors = {"lead": (s.coord, True), "ended": (s.partner, False),
              "active": (s.recorder, True), "never": (s.outsider, False)}
    for name, (who, expected) in actors.items():
        fresh = Case.objects.get(pk=s.case.pk)
        loaded = Case.objects.get(pk=s.case.pk)
        page_relations(loaded)
        assert case_policy.is_involved(who, fresh) is expected, name
        assert case_policy.is_involved(who, loaded) is expected, name
