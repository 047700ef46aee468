"""The main service inputs fed hostile values (hypothesis): a service answers with a refusal
it documents (ValidationError, PermissionDenied, 404, LoginError, WarekiError) or succeeds and
stores nothing PostgreSQL or the readers would choke on — never another exception (a
``DataError`` for a NUL, an ``IntegrityError``, a ``KeyError``…). Each example runs in a
savepoint that is rolled back."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from kasane.accounts.services import LoginError
from kasane.core import text, wareki
from tests.fuzz.strategies import hostile_value, odd_dates, odd_integers

REFUSALS = (ValidationError, PermissionDenied, Http404, LoginError, wareki.WarekiError)
maybe_date = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
id_like = st.one_of(odd_integers, st.integers(min_value=-(2**70), max_value=2**70))


def _attempt(call: Callable[[], Any], tally: Counter[str]) -> Any:
    """Run one example in a savepoint that is always rolled back; refusals are fine."""
    tally["inputs"] += 1
    result = None
    try:
        with transaction.atomic():
            result = call()
            transaction.set_rollback(True)
    except REFUSALS:
        return None
    return result


def _actor(user: Any) -> Any:
    from kasane.accounts.models import Membership

    return Membership.objects.select_related("organization", "user").get(user=user)


@pytest.mark.django_db
def test_person_create_and_search(city: Any, tally: Counter[str]) -> None:
    from kasane.people.selectors.persons import person_search
    from kasane.people.services.persons import person_create

    me = _actor(city.recorder)
    names = ["family_name", "given_name", "family_name_kana", "given_name_kana", "address",
             "phone", "phone_mobile", "postal_code"]

    @given(fields=st.fixed_dictionaries({n: hostile_value for n in names}), birth=maybe_date,
           q=hostile_value)
    def check(fields: dict[str, str], birth: dt.date | None, q: str) -> None:
        person = _attempt(lambda: person_create(actor=me, fields={**fields, "birth_date": birth}), tally)
        if person is not None:
            assert "\x00" not in person.full_name + person.address
        _attempt(lambda: person_search(me, q, log=False), tally)

    check()


@pytest.mark.django_db
def test_case_open_contact_and_referral(city: Any, tally: Counter[str]) -> None:
    from kasane.cases import services as cases
    from kasane.cases.tests.factories import contact_data, setup_case

    s = setup_case(city)

    @given(summary=hostile_value, triage=hostile_value, tag=hostile_value, person=id_like,
           when=odd_dates, minutes=id_like, method=hostile_value, org=id_like, reason=hostile_value)
    def check(summary: str, triage: str, tag: str, person: Any, when: str, minutes: Any,
              method: str, org: Any, reason: str) -> None:
        _attempt(lambda: cases.case_open(actor=s.coord, person_ids=[person, s.person.pk],
                                         summary=summary, triage=triage, tags=[tag]), tally)
        data = contact_data(summary=summary, method=method, next_action=reason, minutes=minutes,
                            not_reached_reason=tag)
        _attempt(lambda: cases.contact_record(actor=s.coord, case=s.case, data=data), tally)
        _attempt(lambda: cases.referral_create(actor=s.coord, case=s.case, to_org_id=org,
                                               reason=reason, consent_id=minutes), tally)

    check()


@pytest.mark.django_db
def test_sheet_records_of_every_standard_definition(city: Any, tally: Counter[str]) -> None:
    from kasane.sheets import services as sheets
    from kasane.sheets.models import SheetDefinition

    me = _actor(city.coordinator)
    definitions = list(SheetDefinition.objects.filter(municipality__isnull=True, is_current=True))
    assert definitions, "the standard sheet definitions are loaded"
    keys = {d.code: [f["key"] for section in d.schema.get("sections", []) for f in section.get("fields", [])]
            for d in definitions}

    @given(code=st.sampled_from(sorted(keys)), data=st.data(), submit=st.booleans())
    def check(code: str, data: Any, submit: bool) -> None:
        answers = data.draw(st.fixed_dictionaries({k: st.one_of(hostile_value, st.lists(hostile_value, max_size=2))
                                                   for k in keys[code]}))
        record = _attempt(lambda: sheets.record_create(actor=me, code=code, answers=answers,
                                                       submit=submit), tally)
        if record is not None:
            assert "\x00" not in str(record.answers)

    check()


@pytest.mark.django_db
def test_login_and_legal_hold(city: Any, tally: Counter[str]) -> None:
    from kasane.accounts.services import user_authenticate
    from kasane.retention.services import legal_hold_set

    secretariat = _actor(city.secretariat)

    @given(username=hostile_value, password=hostile_value, number=id_like, reason=hostile_value)
    def check(username: str, password: str, number: Any, reason: str) -> None:
        _attempt(lambda: user_authenticate(username=username, password=password), tally)
        _attempt(lambda: legal_hold_set(actor=secretariat, person_id=number, reason=reason), tally)
        _attempt(lambda: legal_hold_set(actor=secretariat, case_id=number, reason=reason), tally)

    check()


@given(value=st.one_of(hostile_value, odd_dates))
def test_text_and_wareki_helpers_never_crash(value: str) -> None:
    for helper in (text.normalize_name, text.normalize_kana, text.normalize_phone,
                   text.normalize_address, text.fold_itaiji, text.to_katakana):
        assert isinstance(helper(value), str)
    try:
        parsed = wareki.parse_date(value)
    except wareki.WarekiError:
        return
    assert wareki.format_wareki(parsed)
