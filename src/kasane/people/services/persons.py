"""Every write to persons, households and consents (policy check → transaction → full_clean
→ write → audit row). Match keys are derived here, never in ``save()``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kasane.access import policy
from kasane.access import services as access_services
from kasane.accounts.models import CASE_ROLES, Membership, Role
from kasane.accounts.selectors import agencies
from kasane.audit.models import Basis
from kasane.audit.services import (
    access_log,
    access_log_many,
    change_record,
    change_record_many,
    snapshot,
)
from kasane.core import bulk
from kasane.core import messages as texts
from kasane.core.text import (
    is_kana,
    normalize_address,
    normalize_kana,
    normalize_name,
    normalize_phone,
    to_katakana,
)
from kasane.core.wareki import format_wareki

from ..models import Household, HouseholdMember, Person, Relation
from . import matching

PERSON_FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date",
                 "sex", "postal_code", "address", "phone", "phone_mobile")
KANA_FIELDS = ("family_name_kana", "given_name_kana")
PHONE_FIELDS = ("phone", "phone_mobile")


def clean_kana(value: str, *, required: bool) -> str:
    """Tidy a フリガナ for storage (hiragana and half-width become katakana); refuse kanji."""
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError(texts.REQUIRED)
        return ""
    if not is_kana(value):
        raise ValidationError("カタカナ（またはひらがな）で入力してください。漢字・英数字は使えません。")
    return to_katakana(value)


def _check_person(person: Person) -> None:
    errors: dict[str, str] = {}
    for name in KANA_FIELDS:
        try:
            setattr(person, name, clean_kana(getattr(person, name),
                                             required=name == "family_name_kana"))
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    for name in ("family_name", "given_name", "address"):
        setattr(person, name, (getattr(person, name) or "").strip())
    if not person.family_name:
        errors["family_name"] = texts.REQUIRED
    if person.given_name and not person.given_name_kana and "given_name_kana" not in errors:
        errors["given_name_kana"] = "名を入力したときは、名のフリガナも入力してください。"
    for name in PHONE_FIELDS:
        raw = (getattr(person, name) or "").strip()
        setattr(person, name, raw)
        digits = normalize_phone(raw)
        if raw and not (digits.startswith("0") and 10 <= len(digits) <= 11):
            errors[name] = "市外局番から10〜11桁で入力してください。"
    today = timezone.localdate()
    if person.birth_date is not None:
        if person.birth_date > today:
            errors["birth_date"] = texts.FUTURE_DATE
        elif person.birth_date < dt.date(1890, 1, 1):
            errors["birth_date"] = "1890年より前の日付は入力できません。年を確かめてください。"
    if errors:
        raise ValidationError(errors)


def _apply_keys(person: Person) -> None:
    person.name_key = normalize_name(f"{person.family_name}{person.given_name}")[:120]
    person.given_name_key = normalize_name(person.given_name)[:60]
    person.kana_key = normalize_kana(f"{person.family_name_kana}{person.given_name_kana}")[:200]
    person.family_kana_key = normalize_kana(person.family_name_kana)[:100]
    person.given_kana_key = normalize_kana(person.given_name_kana)[:100]
    person.phone_key = normalize_phone(person.phone or person.phone_mobile)[:30]
    person.address_key = normalize_address(person.address)[:200]


def _assign(person: Person, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(person, name, value if value is not None or name == "birth_date" else "")


def person_check(*, fields: Mapping[str, Any]) -> None:
    """The checks ``person_create``/``person_update`` make on the fields, without writing: a
    form that did not validate runs them on its valid fields so every error shows at once."""
    person = Person()
    _assign(person, {k: v for k, v in fields.items() if k in PERSON_FIELDS})
    _check_person(person)


def person_create(*, actor: Membership, fields: Mapping[str, Any],
                  household_with: Person | None = None, relation: str = "") -> Person:
    """Register a person; the actor's organization records it (basis own_record)."""
    if not policy.can(actor, "person.create"):
        raise PermissionDenied("本人を登録できるのは相談支援に携わる職員です。")
    person = Person(municipality_id=policy.tenant_id(actor), created_by_org=actor.organization)
    _assign(person, fields)
    _check_person(person)
    _apply_keys(person)
    with transaction.atomic():
        person.full_clean()
        person.save()
        change_record(user=actor.user, instance=person, operation="create",
                      organization_id=actor.organization_id)
        access_log(user=actor.user, action="person.create", basis=Basis.OWN_RECORD,
                   organization_id=actor.organization_id, object_type="people.Person",
                   object_id=person.pk, person_id=person.pk)
        if household_with is not None:
            household_member_add(actor=actor, person=person, with_person=household_with,
                                 relation=relation or Relation.RELATIVE)
        matching.on_person_saved(person)  # 名寄せ keys + incremental candidates
    return person


def persons_create_many(*, actor: Membership, rows: Sequence[Mapping[str, Any]],
                        detail: str = "", incremental_match: bool = True) -> list[Person]:
    """Register many persons at once (a sheet import): the checks and keys of
    ``person_create`` for every row (a ValidationError names the first bad row's fields —
    imports check rows before), one bulk insert, one ChangeRecord and one AccessLog a person
    (in bulk), then 名寄せ: each new person matched at once, or with ``incremental_match``
    False nothing yet — the caller queues one batch run (``persons_match_queue``), which
    stores the keys again for the whole register and scores it."""
    if not policy.can(actor, "person.create"):
        raise PermissionDenied("本人を登録できるのは相談支援に携わる職員です。")
    tenant = policy.tenant_id(actor)
    persons = []
    for fields in rows:
        person = Person(municipality_id=tenant, created_by_org=actor.organization)
        _assign(person, fields)
        _check_person(person)
        _apply_keys(person)
        persons.append(person)
    if not persons:
        return []
    with transaction.atomic():
        bulk.insert_instances(persons)  # one COPY a batch on PostgreSQL
        change_record_many(user=actor.user, instances=persons, fields=rows,
                           organization_id=actor.organization_id, reason=detail)
        access_log_many(user=actor.user, action="person.create", organization_id=actor.organization_id,
                        entries=[("people.Person", p.pk, p.pk, Basis.OWN_RECORD) for p in persons],
                        detail=detail)
        matching.match_new_persons(persons, incremental=incremental_match)
    return persons


def persons_match_queue(*, actor: Membership) -> Any:
    """Queue one 名寄せ batch run of the actor's municipality after a large import (the
    candidates then wait for the 推進員); None when one is already queued or running."""
    return matching.match_batch_queue(policy.tenant_id(actor), requested_by=actor.user)


def person_update(*, actor: Membership, person: Person, fields: Mapping[str, Any],
                  reason: str = "") -> Person:
    if not policy.can(actor, "edit", person):
        raise PermissionDenied("この本人の情報を変更する権限がありません。")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = snapshot(person, PERSON_FIELDS)
        _assign(person, fields)
        _check_person(person)
        _apply_keys(person)
        person.full_clean()
        person.save()
        change_record(user=actor.user, instance=person, operation="update", before=before,
                      after=snapshot(person, PERSON_FIELDS),
                      organization_id=actor.organization_id, reason=reason)
        matching.on_person_saved(person)  # 名寄せ keys + incremental candidates
    return person


def person_refresh_keys(*, persons: Iterable[Person]) -> int:
    """Re-derive match keys (after an ITAIJI change or a bulk import). Keys are not personal
    data changes, so no ChangeRecord is written."""
    count = 0
    for person in persons:
        _apply_keys(person)
        person.save(update_fields=["name_key", "given_name_key", "kana_key", "family_kana_key",
                                   "given_kana_key", "phone_key", "address_key"])
        matching.keys_store(person)
        count += 1
    return count


def household_create(*, actor: Membership, person: Person) -> HouseholdMember:
    """A new household at the person's address with the person as 本人 (単身世帯 at first)."""
    if not policy.can(actor, "edit", person):
        raise PermissionDenied("世帯を変更する権限がありません。")
    if HouseholdMember.objects.filter(person=person).exists():
        raise ValidationError({"household_with": "この本人はすでに世帯に登録されています。"})
    with transaction.atomic():
        household = Household(municipality_id=person.municipality_id,
                              postal_code=person.postal_code, address=person.address,
                              address_key=normalize_address(person.address)[:200],
                              created_by_org=actor.organization)
        household.full_clean()
        household.save()
        change_record(user=actor.user, instance=household, operation="create",
                      organization_id=actor.organization_id)
        anchor = HouseholdMember.objects.create(household=household, person=person,
                                                relation=Relation.SELF)
        change_record(user=actor.user, instance=anchor, operation="create",
                      organization_id=actor.organization_id)
    return anchor


def household_member_add(*, actor: Membership, person: Person, with_person: Person,
                         relation: str, living_together: bool = True) -> HouseholdMember:
    """Put ``person`` into ``with_person``'s household (created around ``with_person`` as 本人
    when there is none). Relations are relative to the household's 本人/世帯主."""
    if person.pk == with_person.pk:
        raise ValidationError({"household_with": "同じ本人は指定できません。"})
    if not policy.can(actor, "edit", person) or not policy.can(actor, "view", with_person):
        raise PermissionDenied("世帯を変更する権限がありません。")
    if relation not in Relation.values:
        raise ValidationError({"relation": "続柄を選んでください。"})
    with transaction.atomic():
        existing = HouseholdMember.objects.filter(person=with_person).select_related(
            "household").first()
        if existing is None:
            household = household_create(actor=actor, person=with_person).household
        else:
            household = existing.household
        if HouseholdMember.objects.filter(household=household, person=person).exists():
            raise ValidationError({"household_with": "すでに同じ世帯に登録されています。"})
        member = HouseholdMember(household=household, person=person, relation=relation,
                                 living_together=living_together)
        member.full_clean()
        member.save()
        change_record(user=actor.user, instance=member, operation="create",
                      organization_id=actor.organization_id)
    return member


RESTRICTION_NAMED_ONLY = ("閲覧制限の変更は、指定された利用者だけができます。"
                          "指定に加わる必要があるときは、指定された利用者に依頼してください。")


def _check_restriction_editor(actor: Membership, person: Person, ids: list[int], kind: str,
                              reason: str) -> None:
    """Who may change a restriction in place (docs/access.md 「閲覧制限」): the users named on
    it — nobody else, not even the recording organization, or they could name themselves and
    unmask the person. Only when no named user can act any more (memberships ended) may a
    coordinator of the recording organization name others, with a reason, never themselves
    and without clearing the restriction. Setting a first restriction is ``restriction.set``."""
    if not person.restriction:
        return
    named = set(person.restriction_users.values_list("pk", flat=True))
    if actor.user_id in named:
        return
    named_can_act = Membership.objects.filter(
        user_id__in=named, is_active=True, role__in=CASE_ROLES, organization__is_active=True,
        organization__municipality_id=person.municipality_id).exists()
    if (named_can_act or actor.role != Role.COORDINATOR
            or actor.organization_id != person.created_by_org_id):
        raise PermissionDenied(RESTRICTION_NAMED_ONLY)
    if actor.user_id in ids:
        raise PermissionDenied("自分自身を閲覧制限の指定に加えることはできません。")
    if not kind:
        raise ValidationError({"restriction": "指定された利用者がいない閲覧制限は解除できません。"
                                              "新しく指定する利用者を選んでください。"})
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": "指定された利用者がいないため、変更の理由を10文字以上で入力してください。"})


def person_restriction_set(*, actor: Membership, person: Person, kind: str,
                           user_ids: Iterable[int], note: str = "", reason: str = "") -> Person:
    """Set or clear 閲覧制限. A restriction names at least one user who still sees everything.
    Once set, only its named users change it (``_check_restriction_editor``)."""
    if not policy.can(actor, "restriction.set", person):
        raise PermissionDenied("閲覧制限を設定できるのは記録した組織の職員です。")
    ids = sorted({int(i) for i in user_ids})
    _check_restriction_editor(actor, person, ids, kind, reason)
    from ..models import RestrictionKind

    if kind and kind not in RestrictionKind.values:
        raise ValidationError({"restriction": "閲覧制限の種類を選んでください。"})
    if kind:
        allowed = set(Membership.objects.filter(
            user_id__in=ids, is_active=True, role__in=CASE_ROLES,
            organization__municipality_id=person.municipality_id).values_list("user_id", flat=True))
        if not ids:
            raise ValidationError({"restriction_users": "閲覧できる利用者を1人以上選んでください。"})
        if set(ids) - allowed:
            raise ValidationError({"restriction_users": "相談支援に携わる同じ自治体の職員だけを指定できます。"})
    else:
        ids = []
    with transaction.atomic():
        before = {**snapshot(person, ["restriction", "restriction_note"]),
                  "restriction_users": sorted(person.restriction_users.values_list("pk", flat=True))}
        person.restriction = kind
        person.restriction_note = note.strip()[:300] if kind else ""
        person.save(update_fields=["restriction", "restriction_note", "updated_at"])
        person.restriction_users.set(ids)
        after = {**snapshot(person, ["restriction", "restriction_note"]), "restriction_users": ids}
        change_record(user=actor.user, instance=person, operation="update", before=before,
                      after=after, organization_id=actor.organization_id,
                      reason=f"閲覧制限の変更: {reason.strip()}" if reason.strip() else "閲覧制限の変更")
    return person


# ---------------------------------------------------------------------------
# 本人同意
# ---------------------------------------------------------------------------

MAX_SCAN_BYTES = 10 * 1024 * 1024
_SCAN_MAGIC = {"pdf": (b"%PDF",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
               "png": (b"\x89PNG\r\n\x1a\n",)}


def check_scan(upload: Any) -> None:
    """PDF/JPEG/PNG up to 10 MB whose first bytes match its extension."""
    name = getattr(upload, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in _SCAN_MAGIC:
        raise ValidationError({"scanned_file": "PDF・JPEG・PNG のファイルを選んでください。"})
    if upload.size > MAX_SCAN_BYTES:
        raise ValidationError({"scanned_file": "ファイルは10MB以下にしてください。"})
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(_SCAN_MAGIC[ext]):
        raise ValidationError({"scanned_file": "ファイルの中身が拡張子と一致しません。"})


def _consent_snapshot(consent: Any) -> dict[str, Any]:
    return snapshot(consent)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def consent_record(
    *,
    actor: Membership,
    person: Person,
    organization_ids: Iterable[int],
    purposes: Iterable[str],
    obtained_on: dt.date,
    method: str,
    heard_by: str = "",
    proxy_name: str = "",
    proxy_relation: str = "",
    valid_until: dt.date | None = None,
    note: str = "",
    scanned_file: Any = None,
) -> Any:
    """Record a 本人同意 and give each named organization a ``consent`` grant for its purposes."""

    from ..models import Consent, ConsentMethod, Purpose

    if not policy.can(actor, "consent.record", person):
        raise PermissionDenied("この本人の同意を記録する権限がありません。")
    errors: dict[str, str] = {}
    org_ids = sorted({int(i) for i in organization_ids})
    orgs = list(agencies(municipality_id=person.municipality_id)
                .filter(pk__in=org_ids))  # the picker's agencies: refused, not only hidden
    if not org_ids:
        errors["organization_ids"] = "共有先の組織を1つ以上選んでください。"
    elif len(orgs) != len(org_ids):
        errors["organization_ids"] = "共有先は、この自治体の支援に関わる機関から選んでください。"
    purpose_list = sorted(set(purposes), key=lambda p: Purpose.values.index(p)
                          if p in Purpose.values else 99)
    if not purpose_list:
        errors["purposes"] = "同意の目的を1つ以上選んでください。"
    elif set(purpose_list) - set(Purpose.values):
        errors["purposes"] = "目的のコードが正しくありません。"
    today = timezone.localdate()
    if obtained_on > today:
        errors["obtained_on"] = texts.FUTURE_DATE
    elif person.birth_date and obtained_on < person.birth_date:
        errors["obtained_on"] = "同意日が生年月日より前です。"
    if valid_until is not None and valid_until < obtained_on:
        errors["valid_until"] = "有効期限は同意日以降にしてください。"
    if method not in ConsentMethod.values:
        errors["method"] = "同意の方法を選んでください。"
    if method == ConsentMethod.ORAL and not heard_by.strip():
        errors["heard_by"] = "口頭の同意は、聴取した職員の氏名を入力してください。"
    if method == ConsentMethod.PROXY:
        if not proxy_name.strip():
            errors["proxy_name"] = "代理人の氏名を入力してください。"
        if not proxy_relation.strip():
            errors["proxy_relation"] = "代理人の続柄・立場を入力してください。"
    if scanned_file:
        try:
            check_scan(scanned_file)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        municipality_id=person.municipality_id, person=person, purposes=purpose_list,
        obtained_on=obtained_on, valid_until=valid_until, method=method,
        heard_by=heard_by.strip() if method == ConsentMethod.ORAL else "",
        proxy_name=proxy_name.strip() if method == ConsentMethod.PROXY else "",
        proxy_relation=proxy_relation.strip() if method == ConsentMethod.PROXY else "",
        note=note.strip(), recorded_by=actor.user, recorded_by_org=actor.organization)
    with transaction.atomic():
        consent.full_clean(exclude=["scanned_file"])
        consent.save()
        if scanned_file:
            consent.scanned_file.save(scanned_file.name, scanned_file, save=True)
        consent.organizations.set(orgs)
        change_record(user=actor.user, instance=consent, operation="create",
                      after={**_consent_snapshot(consent), "organizations": org_ids},
                      organization_id=actor.organization_id)
        until = _day_start(valid_until + dt.timedelta(days=1)) if valid_until else None
        for org in orgs:
            access_services.grant_create(
                actor=actor, person=person, basis=Basis.CONSENT, organization=org,
                purposes=purpose_list, valid_from=_day_start(obtained_on), valid_until=until,
                source_type="consent", source_id=consent.pk)
    return consent


def consent_withdraw(*, actor: Membership, consent: Any, reason: str,
                     withdrawn_on: dt.date | None = None) -> Any:
    """Withdraw a consent: its grants end now. Withdrawing twice is refused."""
    if not policy.can(actor, "consent.withdraw", consent.person):
        raise PermissionDenied("この本人同意を撤回する権限がありません。")
    if consent.is_withdrawn:
        raise ValidationError({"reason": f"この本人同意は既に撤回されています（撤回日 {format_wareki(consent.withdrawn_on)}）。"})
    reason = (reason or "").strip()
    day = withdrawn_on or timezone.localdate()
    errors = {}
    if not reason:
        errors["reason"] = "撤回の理由を入力してください。"
    if day > timezone.localdate():
        errors["withdrawn_on"] = texts.FUTURE_DATE
    elif day < consent.obtained_on:
        errors["withdrawn_on"] = "撤回日が同意日より前です。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = type(consent).objects.select_for_update().get(pk=consent.pk)
        if locked.is_withdrawn:
            raise ValidationError({"reason": "この本人同意は既に撤回されています。"})
        before = _consent_snapshot(locked)
        locked.withdrawn_on = day
        locked.withdrawal_reason = reason[:500]
        locked.withdrawn_by = actor.user
        locked.save(update_fields=["withdrawn_on", "withdrawal_reason", "withdrawn_by"])
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      after=_consent_snapshot(locked), organization_id=actor.organization_id,
                      reason=reason)
        access_services.grants_end_for_source(actor=actor, source_type="consent",
                                              source_id=locked.pk, reason=f"本人同意の撤回: {reason}"[:300])
    return locked
