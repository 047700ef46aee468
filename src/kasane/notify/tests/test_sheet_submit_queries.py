"""Submitting a つなぐシート from the form (what ``bench web`` posts: a person block, the
person's consent, 即日) runs a fixed number of queries: as many with 25 coordinators to tell
as with one (``sheets.policy.actors_who_may_see`` decides for all at once), and no more than
``SUBMIT_QUERIES`` in all."""

from __future__ import annotations

import uuid
from typing import Any

from kasane.accounts.models import Membership, Role, User
from kasane.core.testing import assert_flat_queries
from kasane.core.wareki import format_wareki
from kasane.notify.models import Notification
from kasane.sheets.models import RecordStatus, SheetRecord
from kasane.sheets.services.records import today

# Measured with the bulk recipients (the draft saved, the person created and matched, the
# consent and its grants, routing, audit, one notification per coordinator in one insert): a
# new query on this path must be a deliberate change of this number.
SUBMIT_QUERIES = 100


def _form(city: Any) -> dict[str, str]:
    return {
        "_form_key": uuid.uuid4().hex, "_action": "submit",
        "person.family_name": "弁知", "person.given_name": "太郎",
        "person.family_name_kana": "ベンチ", "person.given_name_kana": "タロウ",
        "person.address": "重ね市本町1-1", "person.phone": "03-0000-0000",
        "concern": "ベンチマークの記入", "wishes": "ベンチマークの記入",
        "_written_on": format_wareki(today()), "_tags": "comprehensive",
        "consent_given": "true", "consent_method": "written", "contact_preference": "phone",
        "urgency": "urgent", "restriction_requested": "true",
        "facility": str(city.orgs["city"].pk), "liaison": str(city.coordinator.pk)}


def test_a_submit_runs_as_many_queries_for_25_coordinators_as_for_one(city, client) -> None:
    coordinators = [city.coordinator]

    def add(n: int) -> None:
        for _ in range(n):
            user = User.objects.create_user(username=f"suishin{len(coordinators)}",
                                            municipality=city.municipality)
            Membership.objects.create(user=user, organization=city.orgs["city"],
                                      role=Role.COORDINATOR)
            coordinators.append(user)

    def submit() -> Any:
        return client.post("/sheets/new/liaison/", _form(city))

    def check(response: Any, n: int) -> None:
        record = SheetRecord.objects.filter(definition__code="liaison").order_by("-pk").first()
        assert record is not None and record.status == RecordStatus.SUBMITTED
        assert response["Location"] == f"/sheets/records/{record.pk}/"
        told = set(Notification.objects.filter(kind="sheet_received", object_id=str(record.pk))
                   .values_list("user_id", flat=True))
        assert told == {u.pk for u in coordinators}

    client.force_login(city.coordinator)
    counts = assert_flat_queries(add, submit, label="POST /sheets/new/liaison/ (submit)",
                                 status=302, check=check)
    assert counts.small <= SUBMIT_QUERIES, counts.message()
