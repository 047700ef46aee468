"""Test helpers: actors as memberships and persons/consents made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kasane.accounts.models import Membership
from kasane.people import services

_COUNTER = [0]


def actor(user: Any) -> Membership:
    return Membership.objects.select_related("organization", "user").filter(user=user).first()


def make_person(by: Any, **fields: Any) -> Any:
    _COUNTER[0] += 1
    data = {
        "family_name": "山田", "given_name": f"太郎{_COUNTER[0]}",
        "family_name_kana": "ヤマダ", "given_name_kana": "タロウ",
        "birth_date": dt.date(1975, 4, 1), "address": "重ね市北町1-2-3", "phone": "03-1234-5678",
    }
    data.update(fields)
    return services.person_create(actor=actor(by), fields=data)


def make_consent(by: Any, person: Any, orgs: list[Any], purposes: list[str] | None = None,
                 **kwargs: Any) -> Any:
    kwargs.setdefault("obtained_on", timezone.localdate())
    kwargs.setdefault("method", "written")
    return services.consent_record(actor=actor(by), person=person,
                                   organization_ids=[o.pk for o in orgs],
                                   purposes=purposes or ["information_sharing"], **kwargs)
