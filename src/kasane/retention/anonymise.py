"""Anonymising expired records in place (called by ``services.purge_execute`` only).

Rows are kept (so counts, dates, statuses, methods and tags still add up in past years'
figures) and their personal content is cleared: free text becomes ``MARK`` or empty, names,
birth date, address and phones are cleared, answers and attachments of sheets removed, match
keys and pending 名寄せ candidates deleted. Each changed row gets a ChangeRecord naming the
fields with ``BEFORE`` for the old value (the purge never copies the content it removes into
the audit trail) and the run's reason. Audit rows themselves are never touched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models

from kasane.audit import services as audit
from kasane.cases.models import (
    Case,
    CaseEvent,
    Closure,
    Contact,
    Monitoring,
    Referral,
    SupportPlan,
)
from kasane.meetings.models import AgendaItem, Decision
from kasane.notify.models import Alert
from kasane.people.models import (
    Consent,
    HouseholdMember,
    MatchCandidate,
    MatchStatus,
    Person,
    PersonMatchKey,
)
from kasane.sheets.models import SheetAttachment, SheetRecord

MARK = "（保存期間経過により消去）"
BEFORE = "（消去前の値）"
KANA_MARK = "ショウキョズミ"

Values = dict[str, Any] | Callable[[Any], dict[str, Any]]


class Anonymiser:
    """Clears records for one run; ``counts`` says how many rows of each kind changed."""

    def __init__(self, *, actor: Any, reason: str) -> None:
        self.actor = actor
        self.reason = reason
        self.counts: Counter[str] = Counter()

    def _clear(self, kind: str, rows: Iterable[models.Model], values: Values) -> None:
        for obj in rows:
            new = values(obj) if callable(values) else values
            changed = {f: v for f, v in new.items() if getattr(obj, f) != v}
            if not changed:
                continue
            type(obj)._default_manager.filter(pk=obj.pk).update(**changed)
            audit.change_record(user=self.actor, instance=obj, operation="update",
                                before={f: BEFORE for f in changed}, after=changed,
                                reason=self.reason)
            self.counts[kind] += 1

    def _delete(self, kind: str, rows: Iterable[models.Model], keep: Iterable[str] = ()) -> None:
        for obj in rows:
            audit.change_record(user=self.actor, instance=obj, operation="delete",
                                before={f: getattr(obj, f) for f in keep} | {"id": obj.pk},
                                after={}, reason=self.reason)
            file = getattr(obj, "file", None)
            if file:
                file.delete(save=False)
            obj.delete()
            self.counts[kind] += 1

    def case(self, case_id: int) -> None:
        """A case and everything recorded in it (its linked sheets: ``sheet``)."""
        self._clear("case", Case.objects.filter(pk=case_id), {"summary": MARK})
        self._clear("contact", Contact.objects.filter(case_id=case_id),
                    {"summary": MARK, "not_reached_reason": "", "next_action": ""})
        self._clear("referral", Referral.objects.filter(case_id=case_id),
                    {"reason": MARK, "response_text": ""})
        self._clear("plan", SupportPlan.objects.filter(case_id=case_id), lambda plan: {
            "goals": [{"text": MARK} for _ in plan.goals or []],
            "tasks": [{**t, "task": ""} if isinstance(t, dict) else {} for t in plan.tasks or []],
        })
        self._clear("monitoring", Monitoring.objects.filter(plan__case_id=case_id), {"note": MARK})
        self._clear("closure", Closure.objects.filter(case_id=case_id),
                    {"evaluation": MARK, "watch_method": ""})
        self._clear("case_event", CaseEvent.objects.filter(case_id=case_id), {"text": MARK})
        self._clear("agenda_item", AgendaItem.objects.filter(case_id=case_id),
                    {"title": MARK, "question": MARK, "minutes": ""})
        self._clear("decision", Decision.objects.filter(item__case_id=case_id), {"text": MARK})
        self._clear("alert", Alert.objects.filter(case_id=case_id),
                    {"summary": MARK, "needed": MARK})

    def sheet(self, record_id: int) -> None:
        """A sheet record's answers, snapshot and attachments (the row stays)."""
        self._clear("sheet", SheetRecord.objects.filter(pk=record_id), {
            "answers": {}, "draft_answers": {}, "person_snapshot": {}, "person_differences": []})
        self._delete("attachment", SheetAttachment.objects.filter(record_id=record_id))

    def person(self, person_id: int) -> None:
        """A person's identity and contact data, household links, consents' free text."""
        self._clear("person", Person.objects.filter(pk=person_id), {
            "family_name": MARK, "given_name": "", "family_name_kana": KANA_MARK,
            "given_name_kana": "", "birth_date": None, "sex": "", "postal_code": "",
            "address": "", "phone": "", "phone_mobile": "", "restriction_note": "",
            "name_key": "", "given_name_key": "", "kana_key": "", "family_kana_key": "",
            "given_kana_key": "", "phone_key": "", "address_key": ""})
        PersonMatchKey.objects.filter(person_id=person_id).delete()  # derived keys
        MatchCandidate.objects.filter(models.Q(person_a_id=person_id) | models.Q(person_b_id=person_id),
                                      status=MatchStatus.PENDING).delete()
        self._delete("household_member", HouseholdMember.objects.filter(person_id=person_id),
                     keep=("household_id", "person_id"))
        for consent in Consent.objects.filter(person_id=person_id):
            scan = consent.scanned_file.name if consent.scanned_file else ""
            self._clear("consent", [consent], {
                "note": "", "proxy_name": "", "proxy_relation": "", "heard_by": "",
                "withdrawal_reason": "", "scanned_file": ""})
            if scan:
                consent.scanned_file.storage.delete(scan)
        self._clear("alert", Alert.objects.filter(person_id=person_id),
                    {"summary": MARK, "needed": MARK})
