"""Binding handlers for the person block (``binding: person``) and the consent answers
(``binding: consent``): sheets → people, always through ``people.services`` and
``access.policy`` (registered on import of this module, from ``SheetsConfig.ready``; people never imports
sheets).

On submit (inside the submit transaction, so any failure rolls the whole submit back):

* **person** — a record that already names a person (``person_id``) must name one the actor
  may see (``policy.person_basis``); the Person is left as is (a sheet never overwrites core
  data) and the block's fields that differ are listed in ``record.person_differences``.
  Otherwise, when the block carries a name and the actor handles persons, a Person is created
  with ``people.services.person_create`` (the recording organization gets ``own_record``);
  its 名寄せ proposals are queued by people's incremental matching, for a coordinator to
  decide — a sheet never links to an existing person on its own.
  A 連絡員 cannot create persons: their つなぐシート keeps the block in ``person_snapshot``
  until a coordinator binds it (``bind_record_person``, below; the cases screens call it). 世帯 rows stay sheet answers.
* **consent** — 相談受付・申込票（同意あり）: a Consent from ``consent_orgs``,
  ``consent_purposes``, ``consent_on``, ``consent_method`` (codes shared with people);
  つなぐシート with ``consent_given``: a Consent naming the organizations of the
  municipality's 推進員 for ``information_sharing``, dated ``written_on``.
  Errors of ``consent_record`` come back as field errors of the sheet.

Handlers run once a record and operation even though several fields carry the same kind.
Edits of submitted records re-check the person but never record a second consent.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from kasane.access import policy
from kasane.accounts.models import Membership, Role
from kasane.people import services as people_services
from kasane.people.models import ConsentMethod, Person

from . import bindings
from . import policy as sheet_policy

# Person block key → Person field (the block may hold a subset, see ``person_fields``).
BLOCK_TO_PERSON = ("family_name", "given_name", "family_name_kana", "given_name_kana",
                   "birth_date", "sex", "postal_code", "address", "phone", "phone_mobile")
INTAKE_CONSENT_CODE = "intake_application"
LIAISON_CODE = "liaison"
CONSENT_ERROR_KEYS = {
    "organization_ids": "consent_orgs", "purposes": "consent_purposes",
    "obtained_on": "consent_on", "valid_until": "consent_on", "method": "consent_method",
    "heard_by": "consent_note", "proxy_name": "consent_note", "proxy_relation": "consent_note",
    "scanned_file": "signature",
}
NOT_VISIBLE = "この本人は存在しないか、参照する根拠がありません。"


def _once(record: Any, key: str) -> bool:
    """True the first time ``key`` is seen for this record object in this operation."""
    done: set[str] = record.__dict__.setdefault("_bound_once", set())
    if key in done:
        return False
    done.add(key)
    return True


def _person_field(record: Any) -> dict[str, Any] | None:
    return next((f for f in record.definition.fields if f.get("binding") == "person"), None)


def _fields_from_block(block: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in BLOCK_TO_PERSON:
        if key not in block or block[key] in (None, ""):
            continue
        value = block[key]
        if key == "birth_date":
            value = dt.date.fromisoformat(str(value))
        out[key] = value
    return out


def _differences(person: Person, block: dict[str, Any]) -> list[str]:
    """Block keys whose typed value differs from the Person (empty answers are not a difference)."""
    fields = _fields_from_block(block)
    diff = []
    for key, value in fields.items():
        current = getattr(person, key)
        if str(current or "").replace(" ", "").replace("\u3000", "") != \
                str(value).replace(" ", "").replace("\u3000", ""):
            diff.append(key)
    return diff


def _block_errors(prefix: str, exc: ValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({(f"{prefix}.{k}" if k != "__all__" else prefix): v
                                for k, v in exc.message_dict.items()})
    return ValidationError({prefix: exc.messages})


def ensure_person(record: Any, actor: Membership | None) -> Person | None:
    """Bind the record to a Person (once per operation); returns it, or None when unbound."""
    field = _person_field(record)
    if field is None or actor is None:
        return None
    key = field["key"]
    block = record.answers.get(key) or {}
    if record.person_id:
        if not _once(record, "person"):
            return Person.objects.filter(pk=record.person_id).first()
        if policy.person_basis(actor, record.person_id, action="view") is None:
            policy.log_denied(actor, "view", person_id=record.person_id,
                              detail=f"sheet_record {record.pk}")
            raise ValidationError({key: [NOT_VISIBLE]})
        person = Person.objects.get(pk=record.person_id)
        record.person_differences = _differences(person, block) if isinstance(block, dict) else []
        return person
    if not _once(record, "person"):
        return None
    if not isinstance(block, dict) or not block.get("family_name"):
        return None  # 氏名不詳 / anonymous: nothing to bind yet
    if not policy.can(actor, "person.create"):
        return None  # 連絡員: the coordinator binds the routed sheet later
    try:
        person = people_services.person_create(actor=actor, fields=_fields_from_block(block))
    except ValidationError as exc:
        raise _block_errors(key, exc) from exc
    record.person_id = person.pk
    record.person_differences = []
    return person


def person_key(definition: Any) -> str | None:
    """The key of the definition's bound person block (None for anonymous sheets)."""
    field = next((f for f in definition.fields if f.get("binding") == "person"), None)
    return field["key"] if field is not None and definition.has_personal_data else None


def import_person_fields(answers: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The Person fields an imported row's block creates (None: no name, nothing to bind)."""
    block = answers.get(key)
    if not isinstance(block, dict) or not block.get("family_name"):
        return None
    return _fields_from_block(block)


def import_person_errors(answers: dict[str, Any], key: str) -> dict[str, str]:
    """What ``people.services`` would refuse in the row's person block (the import's check
    pass lists it at the row, so the commit never fails half-way)."""
    fields = import_person_fields(answers, key)
    if fields is None:
        return {}
    try:
        people_services.person_check(fields=fields)
    except ValidationError as exc:
        return {f"{key}.{k}": " ".join(v) for k, v in exc.message_dict.items()}
    return {}


def import_consent(record: Any, actor: Membership) -> None:
    """An imported row's consent answers, recorded as on submit (``bind_consent``)."""
    if any(f.get("binding") == "consent" for f in record.definition.fields):
        bind_consent(bindings.Binding(record=record, field={}, value=None, actor=actor,
                                      operation="import"))


def bind_person(b: bindings.Binding) -> None:
    if b.operation == "import":
        return
    ensure_person(b.record, b.actor)


def _split_note(note: str) -> tuple[str, str]:
    """「山田花子（長女）」「山田花子・長女」 → (name, relation)."""
    m = re.match(r"^\s*(.+?)\s*[（(]\s*(.+?)\s*[）)]\s*$", note)
    if m:
        return m.group(1), m.group(2)
    parts = re.split(r"[・／/、,\s]+", note.strip(), maxsplit=1)
    if len(parts) == 2 and parts[1]:
        return parts[0], parts[1]
    return note.strip(), "申込票の記載による"


def _consent_kwargs(record: Any, actor: Membership) -> dict[str, Any] | None:
    a = record.answers
    code = record.definition.code
    if code == INTAKE_CONSENT_CODE:
        if not a.get("consent_orgs"):
            return None
        method = a.get("consent_method", "")
        note = (a.get("consent_note") or "").strip()
        kwargs: dict[str, Any] = {
            "organization_ids": a.get("consent_orgs") or [],
            "purposes": a.get("consent_purposes") or [],
            "obtained_on": dt.date.fromisoformat(a["consent_on"]) if a.get("consent_on")
            else record.written_on, "method": method,
            "note": f"帳票「{record.definition.title}」#{record.pk} から記録"}
        if method == ConsentMethod.ORAL:
            kwargs["heard_by"] = note
        elif method == ConsentMethod.PROXY:
            kwargs["proxy_name"], kwargs["proxy_relation"] = _split_note(note) if note else ("", "")
        return kwargs
    if code == LIAISON_CODE and a.get("consent_given") is True:
        coordinator_orgs = sorted(set(Membership.objects.filter(
            role=Role.COORDINATOR, is_active=True, organization__is_active=True,
            organization__municipality_id=record.municipality_id)
            .values_list("organization_id", flat=True)))
        if not coordinator_orgs:
            return None
        method = a.get("consent_method") or ConsentMethod.ORAL
        return {"organization_ids": coordinator_orgs, "purposes": ["information_sharing"],
                "obtained_on": record.written_on, "method": method,
                "heard_by": actor.user.display_name or actor.user.username
                if method == ConsentMethod.ORAL else "",
                "note": f"つなぐシート #{record.pk} から記録（推進員への情報共有）"}
    return None


def bind_consent(b: bindings.Binding) -> None:
    record, actor = b.record, b.actor
    if b.operation not in ("submit", "import") or actor is None or not _once(record, "consent"):
        return
    kwargs = _consent_kwargs(record, actor)
    if kwargs is None:
        return
    person = ensure_person(record, actor)
    if person is None:
        return  # anonymous or written by a 連絡員: nothing to record consent for yet
    try:
        people_services.consent_record(actor=actor, person=person, **kwargs)
    except PermissionDenied as exc:
        target = "consent_orgs" if record.definition.code == INTAKE_CONSENT_CODE else "consent_given"
        raise ValidationError({target: ["この本人の同意を記録する権限がありません。"]}) from exc
    except ValidationError as exc:
        fallback = "consent_orgs" if record.definition.code == INTAKE_CONSENT_CODE else "consent_given"
        keys = {f["key"] for f in record.definition.fields}
        errors: dict[str, list[str]] = {}
        for k, msgs in (exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}).items():
            target = CONSENT_ERROR_KEYS.get(k, fallback)
            errors.setdefault(target if target in keys else fallback, []).extend(msgs)
        raise ValidationError(errors) from exc


bindings.register("person", bind_person)
bindings.register("consent", bind_consent)


# --- After submit: a coordinator binds a routed sheet; cases links the record to a case ------

ALREADY_BOUND = "この帳票はすでに本人（本人ID {pid}）に結び付いています。"


def _locked_record(actor: Membership, record: Any) -> Any:
    """The record, locked, when ``actor`` may see it (``sheet_policy.visible_records``)."""
    from django.http import Http404


    found = sheet_policy.visible_records(actor).select_for_update().filter(pk=record.pk).first()
    if found is None:
        raise Http404("記録が見つかりません。")
    return found


def bind_record_person(*, actor: Membership, record: Any, person_id: int | None) -> Person:
    """A coordinator binds a submitted record that names no Person yet (a 連絡員's
    つなぐシート keeps the block in ``person_snapshot``) to a Person: ``person_id`` of one the
    coordinator may see (``policy.require_person``, logged) or ``None`` to register one from the
    block (``people.services.person_create``; the coordinator's organization → own_record).

    A つなぐシート answered 「同意している」 then records that Consent (naming the 推進員's
    organizations, heard by the 連絡員), as the submit would have. Idempotent: binding again to
    the same person changes nothing; a record bound to someone else is refused.
    """
    from django.db import transaction

    from kasane.audit.services import change_record, snapshot

    from .models import RecordStatus

    if actor is None or actor.role != Role.COORDINATOR or not policy.handles_persons(actor):
        raise PermissionDenied("帳票を本人に結び付けられるのは推進員です。")
    chosen = None
    if person_id is not None:  # checked (and a denial logged) before the transaction
        chosen, _basis = policy.require_person(actor, person_id, action="view",
                                               detail=f"sheet_record {record.pk} の本人")
    with transaction.atomic():
        locked = _locked_record(actor, record)
        field = _person_field(locked)
        if field is None or locked.status != RecordStatus.SUBMITTED:
            raise ValidationError({"person": "提出済みで本人欄のある帳票だけを結び付けられます。"})
        if locked.person_id is not None:
            if chosen is not None and chosen.pk == locked.person_id:
                return chosen
            raise ValidationError({"person": ALREADY_BOUND.format(pid=locked.person_id)})
        block = locked.answers.get(field["key"]) or locked.person_snapshot or {}
        if not isinstance(block, dict):
            block = {}
        if chosen is not None:
            person = chosen
        else:
            if not block.get("family_name"):
                raise ValidationError({"person": "本人欄に氏名がないため新規登録できません。既存の本人を選んでください。"})
            try:
                person = people_services.person_create(actor=actor, fields=_fields_from_block(block))
            except ValidationError as exc:
                raise _block_errors(field["key"], exc) from exc
        before = snapshot(locked)
        locked.person_id = person.pk
        locked.person_differences = _differences(person, block)
        locked.save(update_fields=["person_id", "person_differences", "updated_at"])
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      organization_id=actor.organization_id, reason="本人に結び付け")
        _record_bound_consent(locked, actor, person)
    record.person_id, record.person_differences = locked.person_id, locked.person_differences
    return person


def _record_bound_consent(record: Any, actor: Membership, person: Person) -> None:
    if record.definition.code != LIAISON_CODE:
        return
    kwargs = _consent_kwargs(record, actor)
    if kwargs is None:
        return
    if kwargs.get("heard_by"):
        kwargs["heard_by"] = record.author.display_name or record.author.username
    try:
        people_services.consent_record(actor=actor, person=person, **kwargs)
    except (PermissionDenied, ValidationError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        raise ValidationError({"person": [f"本人同意を記録できません: {m}" for m in messages]}) from exc


def link_record_case(*, actor: Membership, record: Any, case_id: int) -> None:
    """Set ``SheetRecord.case_id`` (called by ``cases.services.case_open_from_record`` inside its
    transaction); a record already linked to another case is refused."""
    from kasane.audit.services import change_record, snapshot

    locked = _locked_record(actor, record)
    if locked.case_id is not None and locked.case_id != case_id:
        raise ValidationError({"record": f"この帳票からはすでにケース#{locked.case_id}が開始されています。"})
    before = snapshot(locked)
    locked.case_id = case_id
    locked.save(update_fields=["case_id", "updated_at"])
    change_record(user=actor.user, instance=locked, operation="update", before=before,
                  organization_id=actor.organization_id, reason=f"ケース#{case_id}を開始")
    record.case_id = case_id
