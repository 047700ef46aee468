"""What of a record is masked for one actor — the single place for the page, PDF, export and API.

* 機微 (``sensitive_keys``, marked by the writer; and fields the definition marks
  ``own_org_only`` — recording-organization-only free text): masked outside the recording
  organization.
* 閲覧制限: when the record's person is restricted and the actor is not named on the
  restriction (``access.policy.is_restricted_for`` — the recording organization included),
  the person block's postal code, address, phones and 世帯 rows read 「閲覧制限」 (the label of
  ``people.presenters``). While the sheet asks for a restriction (``restriction_requested``,
  forced by DV・虐待) and the person has none yet (or the record names no person), the same
  fields are masked outside the recording organization.
* Attachments (``file`` answers) are withheld under the same 閲覧制限 (a scanned 同意書 or a
  photo may show the address): names read 「閲覧制限」 and ``sheet_policy.require_attachment`` refuses.

Masks are ``{path: text}`` with paths like ``person.address`` or a top-level key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.people.models import Person
from kasane.people.presenters import MASK as RESTRICTION_MASK
from kasane.people.presenters import MASKED_FIELDS

SENSITIVE_MASK = "機微情報（記録機関のみ）"
PERSON_MASKED_KEYS = (*MASKED_FIELDS, "household")


def restricted_record_ids(actor: Actor, records: Iterable[Any]) -> set[int]:
    """Pks of the records whose person block is masked for ``actor`` (2 queries at most)."""
    records = list(records)
    pids = {r.person_id for r in records if r.person_id is not None}
    persons = {p.pk: p for p in Person.objects.filter(pk__in=pids).only("pk", "restriction")} \
        if pids else {}
    restricted = [pk for pk, p in persons.items() if p.restriction]
    named = policy.named_on_restriction(actor, restricted) if restricted else set()
    out: set[int] = set()
    for r in records:
        person = persons.get(r.person_id) if r.person_id is not None else None
        if person is not None and person.restriction:
            if policy.is_restricted_for(actor, person, named=named):
                out.add(r.pk)
        elif (r.answers or {}).get("restriction_requested") is True \
                and r.organization_id != getattr(actor, "organization_id", None):
            out.add(r.pk)
    return out


def masks_for(actor: Actor, record: Any, *, restricted: bool) -> dict[str, str]:
    masks: dict[str, str] = {}
    if record.organization_id != getattr(actor, "organization_id", None):
        masks.update({key: SENSITIVE_MASK for key in record.sensitive_keys})
        masks.update({f["key"]: SENSITIVE_MASK for f in record.definition.fields
                      if f.get("own_org_only")})
    if restricted:
        for f in record.definition.fields:
            if f["type"] == "person":
                masks.update({f"{f['key']}.{sub}": RESTRICTION_MASK for sub in PERSON_MASKED_KEYS})
            elif f["type"] == "file":  # a signed 同意書 or a photo may show the address
                masks[f["key"]] = RESTRICTION_MASK
    return masks


def record_masks(actor: Actor, record: Any) -> dict[str, str]:
    return masks_for(actor, record, restricted=record.pk in restricted_record_ids(actor, [record]))


def mask_answers(answers: dict[str, Any], masks: dict[str, str]) -> dict[str, Any]:
    """A copy of ``answers`` with every masked, non-empty value replaced by its mask text."""
    out = dict(answers)
    for path, text in masks.items():
        head, _, sub = path.partition(".")
        if not sub:
            if out.get(head) not in (None, "", [], {}):
                out[head] = text
            continue
        block = out.get(head)
        if isinstance(block, dict) and block.get(sub) not in (None, "", [], {}):
            out[head] = {**block, sub: text}
    return out
