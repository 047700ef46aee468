"""Case test helpers: a person recorded by the coordinator's org with consent naming partners."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from kasane.cases import services
from kasane.people.tests.factories import actor, make_consent, make_person


def setup_case(city: Any, *, consent_orgs: tuple[str, ...] = ("houkatsu", "shougai")) -> SimpleNamespace:
    """推進員 (city) records a person, a consent names ``consent_orgs``, opens a case."""
    coord = actor(city.coordinator)
    person = make_person(city.coordinator)
    consent = make_consent(city.coordinator, person, [city.orgs[k] for k in consent_orgs])
    case = services.case_open(actor=coord, person_ids=[person.pk], summary="8050世帯の相談",
                              triage="3", tags=["multi_agency"])
    return SimpleNamespace(coord=coord, person=person, consent=consent, case=case,
                           partner=actor(city.partner), recorder=actor(city.recorder),
                           outsider=actor(city.outsider))


def refer(s: SimpleNamespace, org: Any) -> Any:
    return services.referral_create(actor=s.coord, case=s.case, to_org_id=org.pk,
                                    reason="介護保険の申請支援をお願いします", consent_id=s.consent.pk)


def contact_data(**kw: Any) -> dict[str, Any]:
    data = {"at": timezone.now() - dt.timedelta(hours=1), "method": "visit", "reached": True,
            "summary": "自宅を訪問し面談", "tags": ["outreach"], "stage": "contacted",
            "minutes": 30, "not_reached_reason": "", "next_action": "", "next_due_on": None}
    data.update(kw)
    return data


def make_plan(s: SimpleNamespace, city: Any, **kw: Any) -> Any:
    args = {"goals": ["生活リズムを整える"], "tasks": [{"org_id": city.orgs["houkatsu"].pk,
                                                "task": "介護保険申請", "frequency": "月1回"}],
            "lead_org_id": city.orgs["city"].pk, "lead_user_id": city.coordinator.pk,
            "review_on": timezone.localdate() + dt.timedelta(days=30)}
    args.update(kw)
    return services.plan_create(actor=s.coord, case=s.case, **args)
