"""Reads of persons: search, lists, household and consent history — all through access.policy."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from rapidfuzz import fuzz

from kasane.access import policy
from kasane.audit.services import access_log_many
from kasane.core.text import normalize_name, normalize_phone
from kasane.core.wareki import parse_partial_birth

from .models import Consent, HouseholdMember, Person
from .presenters import PersonView, person_views

MAX_QUERY = 100
CANDIDATES = 300
_PHONE_RE = re.compile(r"[0-9()\-]+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")

MSG_EMPTY = "検索する氏名・フリガナ・生年月日を入力してください。"
MSG_SHORT = "2文字以上で入力してください（生年月日だけなら「S50.4.1」のように入力できます）。"
MSG_LONG = f"検索語は{MAX_QUERY}文字以内で入力してください。"
MSG_BAD_DATE = "生年月日として読めない語があります。"


@dataclass
class ParsedQuery:
    names: list[str] = field(default_factory=list)  # normalized name/kana keys
    birth: tuple[dt.date, dt.date] | None = None
    phone: str = ""
    error: str = ""


@dataclass
class SearchResult:
    query: str
    items: list[PersonView] = field(default_factory=list)
    error: str = ""
    truncated: bool = False


def clean_query(q: str | None) -> str:
    text = _CONTROL_RE.sub(" ", q or "")
    return " ".join(text.split())


def parse_query(q: str) -> ParsedQuery:
    """Split a query into name keys, one birth-date range and/or a phone number."""
    text = clean_query(q)
    if not text:
        return ParsedQuery(error=MSG_EMPTY)
    if len(text) > MAX_QUERY:
        return ParsedQuery(error=MSG_LONG)
    parsed = ParsedQuery()
    for token in text.split(" "):
        birth = parse_partial_birth(token)
        digits = normalize_phone(token)
        if birth is not None and parsed.birth is None:
            parsed.birth = birth
        elif _PHONE_RE.fullmatch(unicodedata.normalize("NFKC", token)) and len(digits) >= 4:
            parsed.phone = digits
        else:
            key = normalize_name(token)
            if key:
                parsed.names.append(key)
    if parsed.birth is None and not parsed.phone and sum(len(k) for k in parsed.names) < 2:
        parsed.error = MSG_SHORT
    return parsed


def _name_q(key: str) -> Q:
    return (Q(name_key__startswith=key) | Q(kana_key__startswith=key)
            | Q(given_name_key__startswith=key) | Q(given_kana_key__startswith=key))


def _score(person: Person, keys: list[str]) -> float:
    if not keys:
        return 0.0
    joined = "".join(keys)
    best = max(fuzz.ratio(joined, person.name_key), fuzz.ratio(joined, person.kana_key))
    if joined in (person.name_key, person.kana_key):
        best += 100
    elif person.name_key.startswith(joined) or person.kana_key.startswith(joined):
        best += 50
    return best


def person_search(actor: Any, q: str | None, *, limit: int = 50,
                  log: bool = True) -> SearchResult:
    """Visible persons matching ``q`` (kanji/kana/partial, 和暦 or partial birth, phone),
    ranked, masked for 閲覧制限 and logged. Never reveals an invisible person or a count."""
    text = clean_query(q)
    parsed = parse_query(text)
    result = SearchResult(query=text)
    if parsed.error:
        result.error = parsed.error
        return result
    qs = policy.visible_persons(actor)
    if parsed.names:
        joined = "".join(parsed.names)
        per_token = Q()
        for key in parsed.names:
            per_token &= _name_q(key)
        qs = qs.filter(_name_q(joined) | per_token) if len(parsed.names) > 1 else qs.filter(
            _name_q(joined))
    if parsed.birth:
        qs = qs.filter(birth_date__range=parsed.birth)
    if parsed.phone:
        qs = qs.filter(phone_key__startswith=parsed.phone)
    candidates = list(qs.select_related("created_by_org").order_by("kana_key", "pk")[:CANDIDATES])
    candidates.sort(key=lambda p: (-_score(p, parsed.names), p.kana_key, p.pk))
    result.truncated = len(candidates) > limit
    chosen = candidates[:limit]
    result.items = person_views(actor, chosen)
    if log and chosen:
        bases = policy.bases_for(actor, [p.pk for p in chosen], action="search")
        access_log_many(user=actor.user, action="person.search", organization_id=actor.organization_id,
                        entries=[("people.Person", p.pk, p.pk, bases[p.pk]) for p in chosen
                                 if p.pk in bases], detail=f"q={text}"[:500])
    return result


def persons_recent(actor: Any, *, limit: int = 50) -> list[PersonView]:
    """The visible persons updated last (API list without q), logged as search results."""
    chosen = list(policy.visible_persons(actor).select_related("created_by_org")
                  .order_by("-updated_at", "-pk")[:limit])
    if chosen:
        bases = policy.bases_for(actor, [p.pk for p in chosen], action="search")
        access_log_many(user=actor.user, action="person.search", organization_id=actor.organization_id,
                        entries=[("people.Person", p.pk, p.pk, bases[p.pk]) for p in chosen
                                 if p.pk in bases], detail="list")
    return person_views(actor, chosen)


def household_of(actor: Any, person: Person) -> list[dict[str, Any]]:
    """Members of the person's household(s) the actor may see; nothing when masked.

    Invisible members are left out without a count, so their existence is not revealed.
    """
    if policy.is_restricted_for(actor, person):
        return []
    rows = list(HouseholdMember.objects.filter(household__members__person=person)
                .exclude(person=person).select_related("person", "household")
                .order_by("household_id", "id"))
    visible = set(policy.visible_persons(actor).filter(pk__in=[r.person_id for r in rows])
                  .values_list("pk", flat=True))
    named = policy.named_on_restriction(actor, visible)
    return [{"member": r, "person": r.person, "relation": r.get_relation_display(),
             "living_together": r.living_together}
            for r in rows if r.person_id in visible
            and not policy.is_restricted_for(actor, r.person, named=named)]


def own_relation(person: Person) -> HouseholdMember | None:
    return HouseholdMember.objects.filter(person=person).select_related("household").first()


def consents_of(person: Person) -> QuerySet[Consent]:
    """Consent history of a person the caller has already loaded through require_person."""
    return (Consent.objects.filter(person=person).prefetch_related("organizations")
            .select_related("recorded_by", "recorded_by_org", "withdrawn_by")
            .order_by("-obtained_on", "-id"))

