"""No retyping: a sheet written about a known person fills its person block from the record.

``fill_person_block`` is called by ``services.record_create`` once ``access.policy.require_person``
has allowed (and logged) the read: each key of the block that the writer left empty takes the
Person's value — typed values win, and the person binding then lists any difference
(``person_differences``) without changing the Person. Under 閲覧制限 the masked fields
(address, postal code, phones) stay empty for an actor who is not named on the restriction
(``policy.is_restricted_for``): a sheet never copies what its writer may not read. 世帯 rows
are not copied (they stay sheet answers).
"""

from __future__ import annotations

from typing import Any

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.people.models import Person
from kasane.people.presenters import MASKED_FIELDS

from .models import SheetDefinition

COPIED = ("family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date",
          "sex", "postal_code", "address", "phone", "phone_mobile")


def person_field(definition: SheetDefinition) -> dict[str, Any] | None:
    """The definition's person block (``binding: person``), if it has one."""
    return next((f for f in definition.fields
                 if f["type"] == "person" and f.get("binding") == "person"), None)


def block_from_person(actor: Actor, person: Person, field: dict[str, Any]) -> dict[str, Any]:
    """The block's values as the record holds them (only keys the block has; masked ones
    left out under 閲覧制限)."""
    keys = {f["key"] for f in field.get("fields", [])}
    hidden = set(MASKED_FIELDS) if policy.is_restricted_for(actor, person) else set()
    out: dict[str, Any] = {}
    for key in COPIED:
        if key not in keys or key in hidden:
            continue
        value = getattr(person, key)
        if value in (None, ""):
            continue
        out[key] = value.isoformat() if key == "birth_date" else value
    return out


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def fill_person_block(actor: Actor, definition: SheetDefinition, answers: dict[str, Any],
                      person: Person) -> dict[str, Any]:
    """``answers`` with the person block completed from ``person`` (a copy; typed values win)."""
    field = person_field(definition)
    if field is None:
        return answers
    typed = answers.get(field["key"])
    block = dict(typed) if isinstance(typed, dict) else {}
    for key, value in block_from_person(actor, person, field).items():
        if _empty(block.get(key)):
            block[key] = value
    return {**answers, field["key"]: block}


def waive_block_required(definition: SheetDefinition, errors: dict[str, str]) -> dict[str, str]:
    """``errors`` without 「入力してください」 inside the person block: for a record bound to a
    Person (``person_id``) the core record is the person's data — a name part the Person does
    not hold (a single name, no 名) is not asked for again. Errors on what *was* typed stay."""
    field = person_field(definition)
    if field is None:
        return errors
    from .validation import required_message

    prefix = field["key"] + "."
    required = {prefix + f["key"]: required_message(f) for f in field.get("fields", [])}
    return {path: text for path, text in errors.items()
            if not (path in required and text == required[path])}
