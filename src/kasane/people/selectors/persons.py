"""Reads of persons: search, lists, household and consent history — all through access.policy."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import F, QuerySet
from django.db.models.base import ModelState
from django.utils import timezone
from rapidfuzz import fuzz

from kasane.access import compiled, policy
from kasane.accounts.models import Actor, Organization
from kasane.audit.services import access_log_many
from kasane.core.text import is_kana, normalize_name, normalize_phone
from kasane.core.wareki import parse_partial_birth

from ..models import Consent, HouseholdMember, Person
from ..presenters import PersonView, person_views

MAX_QUERY = 100  # characters after cleaning
MAX_RAW = 1000  # longer raw input is refused before it is even cleaned
MAX_TOKENS = 4
BIRTH_ONLY_DAYS = 31  # a query of a birth date alone must name at least the month
_PHONE_RE = re.compile(r"[0-9()\-]+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_DATEISH_RE = re.compile(r"(?:明治|大正|昭和|平成|令和|[明大昭平令MTSHR])(?:\d|元)|\d{4}[-/.年]")
_TOP = "\U0010ffff"  # sorts after every character: [key, key + _TOP) is "starts with key"
NAME_FIELDS = ("name_key", "kana_key", "given_name_key", "given_kana_key")
_KANA_KEYS = frozenset({"kana_key", "given_kana_key"})
_BIRTH_INDEXED = frozenset(NAME_FIELDS)  # migration 0002 puts birth_date in these indexes

MSG_EMPTY = "検索する氏名・フリガナ・生年月日を入力してください。"
MSG_SHORT = "2文字以上で入力してください（生年月日だけなら「S50.4.1」のように入力できます）。"
MSG_LONG = f"検索語は{MAX_QUERY}文字以内で入力してください。"
MSG_BAD_DATE = "生年月日として読めない語があります（例: S50.4.1、昭和50年4月1日、1975-04-01）。"
MSG_BROAD_BIRTH = ("生年月日だけで検索するときは月まで入力してください（例: S50.4.1、S50.4）。"
                   "年だけなら「ヤマダ S50」のように氏名と組み合わせてください。")
MSG_TOO_MANY = f"検索語は{MAX_TOKENS}語までにしてください。"


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


def parse_query(q: str | None) -> ParsedQuery:
    """Split a query into name keys, one birth-date range and/or a phone number.

    Refuses (``error``, a Japanese message) what would be slow or meaningless: empty, too
    long, more than MAX_TOKENS words, a 1-character name alone, a birth year alone (a year
    is ~1/80 of the register), a word that looks like a date but is none.
    """
    if q is not None and len(q) > MAX_RAW:
        return ParsedQuery(error=MSG_LONG)
    text = clean_query(q)
    if not text:
        return ParsedQuery(error=MSG_EMPTY)
    if len(text) > MAX_QUERY:
        return ParsedQuery(error=MSG_LONG)
    tokens = text.split(" ")
    if len(tokens) > MAX_TOKENS:
        return ParsedQuery(error=MSG_TOO_MANY)
    parsed = ParsedQuery()
    for token in tokens:
        birth = parse_partial_birth(token)
        nfkc = unicodedata.normalize("NFKC", token)
        digits = normalize_phone(token)
        if birth is not None and parsed.birth is None:
            parsed.birth = birth
        elif _PHONE_RE.fullmatch(nfkc) and len(digits) >= 4:
            parsed.phone = digits
        elif birth is not None or _DATEISH_RE.match(nfkc.upper()):
            return ParsedQuery(error=MSG_BAD_DATE)
        else:
            key = normalize_name(token)
            if key:
                parsed.names.append(key)
    if parsed.birth is None and not parsed.phone and sum(len(k) for k in parsed.names) < 2:
        parsed.error = MSG_SHORT
    elif (parsed.birth is not None and not parsed.names and not parsed.phone
          and (parsed.birth[1] - parsed.birth[0]).days >= BIRTH_ONLY_DAYS):
        parsed.error = MSG_BROAD_BIRTH
    return parsed


def _col(column: str) -> str:
    """A key column as search compares and orders it: code-point order on every backend
    (``COLLATE "C"`` on PostgreSQL, like the indexes of migration 0002)."""
    sql = f'"people_person"."{column}"'
    return f'{sql} COLLATE "C"' if connection.vendor == "postgresql" else sql


def _prefix(column: str, key: str) -> tuple[str, list[Any]]:
    """``column`` starts with ``key``, written as a range an ordered index scan serves."""
    return f"({_col(column)} >= %s AND {_col(column)} < %s)", [key, key + _TOP]


def _tenant_prefix(tenant: int, column: str, key: str) -> tuple[str, list[Any]]:
    """``_prefix`` inside the tenant, as the key indexes begin (municipality_id, key): each
    term of an OR or a UNION is then a range of its own index, on SQLite as on PostgreSQL."""
    sql, params = _prefix(column, key)
    return f'("people_person"."municipality_id" = %s AND {sql})', [tenant, *params]


def _rule() -> tuple[Any, ...]:
    """The policy functions search's compiled SQL comes from (``compiled.fragment``'s key)."""
    return (policy.visible_persons, policy.basis_annotations, policy.active_grants,
            policy.handles_persons, policy.tenant_id)


def _visible_where(actor: Actor, at: dt.datetime | None = None) -> tuple[str, list[Any]] | None:
    """The WHERE clause of ``policy.visible_persons(actor, at=at)`` as SQL on "people_person"
    (None: the actor sees nobody). Shared by every branch; reused across searches through
    ``compiled.fragment`` (the time put back fresh each time). Always the rule itself, built
    at an explicit time: the precompiled ``pk IN (SELECT …)`` form would run a subquery over
    every visible person instead of the inlined predicate each index scan filters with."""
    qs = policy.visible_persons(actor, at=at or timezone.now())
    try:
        joined = [a for a, n in qs.query.alias_refcount.items() if n and a != "people_person"]
        if joined:  # the policy joined another table: use it whole, as a subquery
            sql, params = qs.values("pk").query.sql_with_params()
            return f'"people_person"."id" IN ({sql})', list(params)
        sql, params = qs.query.get_compiler(using=qs.db).compile(qs.query.where)
    except EmptyResultSet:
        return None
    return (sql or "1=1"), list(params)


# The person columns a search reads: its ranking keys, the basis (recording organization)
# and what a shown row's view needs; the rest (timestamps, other keys) stay deferred.
# ``_SELECT`` reads them in this order and ``_person`` pairs a row with their attnames.
_PERSON_FIELDS = [f for f in Person._meta.concrete_fields if f.name in {
    "id", "family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date",
    "sex", "postal_code", "address", "phone", "phone_mobile", "created_by_org", "restriction",
    "name_key", "kana_key", "given_name_key", "given_kana_key"}]
_PERSON_ATTNAMES = [f.attname for f in _PERSON_FIELDS]
_AT = {name: i for i, name in enumerate(_PERSON_ATTNAMES)}
_ORG_NAME, _NAMED, _GRANT = (len(_PERSON_FIELDS) + i for i in range(3))
_PERSON_COLUMNS = ", ".join(f'"people_person"."{f.column}"' for f in _PERSON_FIELDS)
# A candidate row: the person columns, its recording organization's name, the basis columns
# (the statement reads no person row twice, and nothing after it but the access log).
_SELECT = ("SELECT " + _PERSON_COLUMNS + ', (SELECT "accounts_organization"."name" FROM '  # noqa: S608
           '"accounts_organization" WHERE "accounts_organization"."id" = '
           '"people_person"."created_by_org_id"), {basis} FROM "people_person" WHERE {where}')


def _key_fields(key: str, fields: tuple[str, ...] = NAME_FIELDS) -> tuple[str, ...]:
    """``fields`` that may start with ``key``: the kana keys only for a kana key. They hold
    kana only (every writer of a person checks its フリガナ with ``clean_kana``; a test holds
    that), so a key with a kanji, Latin letter or digit can never begin one — no range of
    theirs is read for it."""
    return fields if is_kana(key) else tuple(f for f in fields if f not in _KANA_KEYS)


def _name_fields(parsed: ParsedQuery) -> tuple[str, ...]:
    """The key columns a name query reads, first the one that alone may fill the page: the
    kana reading for a kana query, else the written name. One word: the four key columns;
    several words read as one name: the whole name's two (``_key_fields`` of them)."""
    joined = "".join(parsed.names)
    fields = _key_fields(joined, NAME_FIELDS if len(parsed.names) == 1
                         else ("name_key", "kana_key"))
    first = "kana_key" if is_kana(joined) else "name_key"
    return (first, *(f for f in fields if f != first))


def _branches(actor: Actor, parsed: ParsedQuery, per_branch: int, *, words: bool = False
              ) -> list[tuple[str, list[Any]]]:
    """Candidate statements (SQL, params), served by the indexes of migration 0002 and each
    cut at ``per_branch`` rows (the page + 1); access scoping (``visible_persons``, compiled
    once) is evaluated on the rows scanned, so invisible persons never use up the candidate
    rows. Each returns whole candidate rows (``_SELECT``: with the basis columns of
    ``policy.basis_annotations``, evaluated on the rows returned only). The first branch
    reads one key column in its order, so the scan stops early however broad the prefix: for
    a name query the column of ``_name_fields`` that alone may fill the page. A name query's
    other key columns are ONE branch (their index ranges OR-ed, a bitmap), which
    ``_candidates`` runs only when the first did not fill the page: the ranges read then are
    those of a prefix too narrow to fill a page with the first column, and a broad prefix
    costs one short statement, planned alone.

    ``words``: instead, the one query for several words matched separately ("ハナコ タカハシ",
    "高橋 はなこ"): the ids whose keys start with each word, intersected (index ranges only)."""
    visible = compiled.fragment("visible", actor, lambda at: _visible_where(actor, at),
                                rule=_rule())
    if visible is None:
        return []
    basis = compiled.fragment("basis:search", actor, lambda at: _basis_columns(actor, at),
                              rule=_rule())
    assert basis is not None  # only the visibility rule may say "nobody"
    conds, params = [visible[0]], [*basis[1], *visible[1]]  # in the order of the text
    if parsed.birth:
        conds.append('"people_person"."birth_date" BETWEEN %s AND %s')
        params += list(parsed.birth)
    if parsed.phone and (parsed.names or parsed.birth):
        sql, ps = _prefix("phone_key", parsed.phone)
        conds.append(sql)
        params += ps
    out: list[tuple[str, list[Any]]] = []

    def add(extra: list[tuple[str, list[Any]]], order_by: str | None) -> None:
        where = " AND ".join(conds + [sql for sql, _ in extra])
        sql = _SELECT.format(basis=basis[0], where=where)
        if order_by == "birth_date":  # index person_muni_birth (municipality_id, birth_date)
            sql += ' ORDER BY "people_person"."birth_date", "people_person"."id"'
        elif order_by is not None:
            birth = ', "people_person"."birth_date"' if order_by in _BIRTH_INDEXED else ""
            sql += f' ORDER BY {_col(order_by)}{birth}, "people_person"."id"'
        out.append((f"{sql} LIMIT {int(per_branch)}",
                    params + [v for _, ps in extra for v in ps]))

    if not parsed.names:
        if parsed.phone and not parsed.birth:
            add([_prefix("phone_key", parsed.phone)], "phone_key")
        else:
            add([], "birth_date")
        return out
    if words:
        add([_words_filter(actor, parsed)], None)
        return out
    joined = "".join(parsed.names)
    first, *rest = _name_fields(parsed)
    add([_prefix(first, joined)], first)
    tenant = policy.tenant_id(actor)
    ranges = [_tenant_prefix(tenant, col, joined) for col in rest]
    if ranges:
        add([("(" + " OR ".join(sql for sql, _ in ranges) + ")",
              [v for _, ps in ranges for v in ps])], None)
    return out


def _words_filter(actor: Actor, parsed: ParsedQuery) -> tuple[str, list[Any]]:
    """The ids whose keys start with each word (per word: the ids of its key ranges,
    ``_key_fields``, index-only scans since id ends every index), intersected."""
    tenant = policy.tenant_id(actor)
    sets: list[str] = []
    set_params: list[Any] = []
    for key in parsed.names:
        ranges = [_tenant_prefix(tenant, col, key) for col in _key_fields(key)]
        union = " UNION ALL ".join(
            f'SELECT "people_person"."id" FROM "people_person" WHERE {sql}'  # noqa: S608
            for sql, _ in ranges)
        sets.append(f"SELECT id FROM ({union}) AS w{len(sets)}")  # noqa: S608
        set_params += [v for _, ps in ranges for v in ps]
    return f'"people_person"."id" IN ({" INTERSECT ".join(sets)})', set_params


def _basis_columns(actor: Actor, at: dt.datetime | None = None) -> tuple[str, list[Any]]:
    """The policy's basis columns (BASIS_NAMED, BASIS_GRANT) compiled to SQL on
    "people_person", comma-separated."""
    qs = Person.objects.annotate(**policy.basis_annotations(actor, action="search", at=at))
    compiler = qs.query.get_compiler(using=qs.db)
    parts, params = [], []
    for name in policy.BASIS_COLUMNS:
        sql, ps = compiler.compile(qs.query.annotations[name])
        parts.append(sql)
        params += list(ps)
    return ", ".join(parts), params


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of one candidate statement. On PostgreSQL through a server-side binding cursor
    (``_server_cursor``), elsewhere through Django's usual cursor."""
    cursor = _server_cursor() if connection.vendor == "postgresql" else connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _server_cursor() -> Any:
    """A Django cursor (execute wrappers, query log, error wrapping as ``connection.cursor()``)
    over psycopg's server-side binding cursor: the values travel apart from the statement
    text (extended protocol, unnamed statement), so psycopg does not merge literals into the
    text on each search, and PostgreSQL still plans it with the values. Not prepared (a
    named statement): PostgreSQL would switch to a generic plan after five runs, and the
    generic plan of the policy's grant probe hashes every grant of the tenant (issue 21:
    1.1 s at 1M) instead of probing the index per row."""
    from django.db.backends.postgresql import base as postgresql

    pg: Any = postgresql  # the psycopg 3 names of Django's backend (untyped in the stubs)
    db: Any = connection
    db.close_if_health_check_failed()
    db.ensure_connection()
    with db.wrap_database_errors:
        raw = pg.ServerBindingCursor(db.connection)
        # time zone of loaded timestamps, as Django's create_cursor() sets it
        loader = db.connection.adapters.get_loader(pg.TIMESTAMPTZ_OID, pg.Format.TEXT)
        if db.timezone != loader.timezone:
            pg.register_tzloader(db.timezone, raw)
        return db._prepare_cursor(raw)  # what connection.cursor() wraps its cursor in


def _candidates(actor: Actor, parsed: ParsedQuery, limit: int
                ) -> tuple[list[tuple[Any, ...]], bool]:
    """(distinct candidate rows, whether a branch was cut at its page + 1 rows). The first
    branch of ``_branches`` always; the others only when it did not fill the page; for
    several words, the words-matched-separately branch only when the words read as one name
    found fewer than ``limit`` persons. Each is one statement (``_fetch``)."""
    per_branch = limit + 1
    rows: dict[int, tuple[Any, ...]] = {}
    cut = False

    def read(sql: str, params: list[Any]) -> int:
        nonlocal cut
        fetched = _fetch(sql, params)
        cut = cut or len(fetched) >= per_branch
        for row in fetched:
            rows.setdefault(row[_AT["id"]], row)
        return len(fetched)

    branches = _branches(actor, parsed, per_branch)
    if not branches:
        return [], False
    if read(*branches[0]) < per_branch:
        for branch in branches[1:]:
            read(*branch)
    if len(parsed.names) > 1 and all(len(k) >= 2 for k in parsed.names) and len(rows) < limit:
        read(*_branches(actor, parsed, per_branch, words=True)[0])
    return list(rows.values()), cut


def _keys(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return (row[_AT["id"]], row[_AT["name_key"]], row[_AT["kana_key"]],
            row[_AT["given_name_key"]], row[_AT["given_kana_key"]])


def _person(row: tuple[Any, ...], converters: list[tuple[int, Any, list[Any]]],
            orgs: dict[int, Organization], db: Any) -> Person:
    """The Person of a candidate row (``_SELECT``: the columns of ``_PERSON_FIELDS`` loaded,
    the ORM's converters applied as a queryset would), its recording organization attached
    (id and name loaded; one instance per organization in ``orgs``). ``db``: the connection
    itself, not Django's proxy (which looks it up again on each attribute).

    Made as ``Model.from_db`` leaves a row with deferred fields — the loaded attnames in the
    instance's ``__dict__``, the others absent (deferred), ``_state`` not adding and of
    ``db`` — without running ``Model.__init__`` over every field of Person for each row
    (15 µs a row, 0.75 of a 50-row page's ~1 ms of Python). Person has no init signal
    receivers, which that skips (a test holds both)."""
    values: Sequence[Any] = row[:_ORG_NAME]
    if converters:
        converted = list(values)
        for i, col, convs in converters:
            for convert in convs:
                converted[i] = convert(converted[i], col, db)
        values = converted
    person = Person.__new__(Person)
    person._state = ModelState()
    person._state.adding = False
    person._state.db = db.alias
    person.__dict__.update(zip(_PERSON_ATTNAMES, values, strict=True))
    org_id = row[_AT["created_by_org_id"]]
    if org_id is not None and org_id not in orgs:
        orgs[org_id] = Organization.from_db(db.alias, ["id", "name"], [org_id, row[_ORG_NAME]])
    Person.created_by_org.field.set_cached_value(person, orgs.get(org_id))
    return person


def _converters(db: Any) -> list[tuple[int, Any, list[Any]]]:
    """(index, column, converters) of the person columns that have any."""
    cols = [f.get_col(Person._meta.db_table) for f in _PERSON_FIELDS]
    found = [(i, col, db.ops.get_db_converters(col) + col.get_db_converters(db))
             for i, col in enumerate(cols)]
    return [(i, col, convs) for i, col, convs in found if convs]


def _score(row: tuple[Any, ...], keys: list[str]) -> float:
    """Higher is better: exact key > key prefix > similar (rapidfuzz) for the joined words.
    ``row``: (name_key, kana_key, given_name_key, given_kana_key)."""
    if not keys:
        return 0.0
    name_key, kana_key, given_key, given_kana = row
    joined = "".join(keys)
    best = max(fuzz.ratio(joined, name_key), fuzz.ratio(joined, kana_key))
    if joined in (name_key, kana_key):
        best += 100
    elif name_key.startswith(joined) or kana_key.startswith(joined):
        best += 50
    elif joined in (given_key, given_kana):
        best += 40
    return best


def person_search(actor: Actor, q: str | None, *, limit: int = 50,
                  log: bool = True) -> SearchResult:
    """Visible persons matching ``q`` (kanji/kana/partial, 和暦 or partial birth, phone),
    ranked, masked for 閲覧制限 and logged. Never reveals an invisible person or a count.

    Candidates come from the key indexes (``_branches``), at most ``limit`` + 1 per branch,
    all inside ``policy.visible_persons``; they are ranked here and only the best ``limit``
    are shown, masked and logged. ``truncated``: more visible persons match than are shown
    (a branch filled its ``limit`` + 1 rows, or the branches found more than ``limit``);
    when it is False every matching visible person was read and ranked."""
    parsed = parse_query(q)
    result = SearchResult(query=clean_query((q or "")[:MAX_RAW])[:MAX_QUERY])
    if parsed.error:
        result.error = parsed.error
        return result
    rows, cut = _candidates(actor, parsed, limit)
    rows.sort(key=lambda r: (-_score(_keys(r)[1:], parsed.names), r[_AT["kana_key"]],
                             r[_AT["id"]]))
    result.truncated = cut or len(rows) > limit
    # The policy's basis columns came with each row (same statement as the visibility check):
    # they name the basis each logged row needs; a row without one is not shown.
    chosen: list[Person] = []
    bases: dict[int, str] = {}
    named: set[int] = set()
    db = connections[DEFAULT_DB_ALIAS]
    converters = _converters(db)
    orgs: dict[int, Organization] = {}
    for row in rows[:limit]:
        basis = policy.basis_from(actor, row[_AT["created_by_org_id"]], bool(row[_NAMED]),
                                  row[_GRANT], action="search")
        if basis is None:
            continue
        person = _person(row, converters, orgs, db)
        chosen.append(person)
        bases[person.pk] = basis
        if row[_NAMED]:
            named.add(person.pk)
    result.items = person_views(actor, chosen, named=named)
    if log and chosen:
        access_log_many(user=actor.user, action="person.search", organization_id=actor.organization_id,
                        entries=[("people.Person", p.pk, p.pk, bases[p.pk]) for p in chosen],
                        detail=f"q={result.query}"[:500])
    return result


def persons_recent(actor: Actor, *, limit: int = 50) -> list[PersonView]:
    """The visible persons updated last (API list without q), logged as search results."""
    chosen = list(policy.visible_persons(actor).select_related("created_by_org")
                  .order_by("-updated_at", "-pk")[:limit])
    if chosen:
        bases = policy.bases_for(actor, [p.pk for p in chosen], action="search")
        access_log_many(user=actor.user, action="person.search", organization_id=actor.organization_id,
                        entries=[("people.Person", p.pk, p.pk, bases[p.pk]) for p in chosen
                                 if p.pk in bases], detail="list")
    return person_views(actor, chosen)


def household_of(actor: Actor, person: Person) -> list[dict[str, Any]]:
    """Members of the person's household(s) the actor may see; nothing when masked.

    Invisible members are left out without a count, so their existence is not revealed.
    """
    return households_of(actor, [person])[person.pk]


def households_of(actor: Actor, persons: list[Person]) -> dict[int, list[dict[str, Any]]]:
    """``household_of`` for several persons at once (a case's subjects), keyed by person id:
    the same rows in a fixed number of queries however many persons."""
    restricted = [p.pk for p in persons if p.restriction]
    named_self = policy.named_on_restriction(actor, restricted) if restricted else set()
    shown = [p for p in persons if not policy.is_restricted_for(actor, p, named=named_self)]
    result: dict[int, list[dict[str, Any]]] = {p.pk: [] for p in persons}
    if not shown:
        return result
    # One row per (member, given person of the same household): ``anchor`` reuses the join
    # of the filter, so a household of two given persons lists its members for each.
    rows = list(HouseholdMember.objects.filter(household__members__person__in=shown)
                .annotate(anchor=F("household__members__person_id"))
                .select_related("person", "household").order_by("household_id", "id"))
    if not rows:
        return result
    visible = set(policy.visible_persons(actor).filter(pk__in={r.person_id for r in rows})
                  .values_list("pk", flat=True))
    named = policy.named_on_restriction(actor, visible)
    for r in rows:
        if r.person_id != r.anchor and r.person_id in visible \
                and not policy.is_restricted_for(actor, r.person, named=named):
            result[r.anchor].append({"member": r, "person": r.person,
                                     "relation": r.get_relation_display(),
                                     "living_together": r.living_together})
    return result


def own_relation(person: Person) -> HouseholdMember | None:
    return HouseholdMember.objects.filter(person=person).select_related("household").first()


def consents_of(person: Person) -> QuerySet[Consent]:
    """Consent history of a person the caller has already loaded through require_person."""
    return (Consent.objects.filter(person=person).prefetch_related("organizations")
            .select_related("recorded_by", "recorded_by_org", "withdrawn_by")
            .order_by("-obtained_on", "-id"))


def consent_for(actor: Actor, consent_id: int, action: str) -> Consent:
    """One consent of the tenant, read through its person's access check
    (``require_person`` with ``action``, audited; Http404 when either is not there)."""
    consent = Consent.objects.filter(pk=consent_id, municipality_id=policy.tenant_id(actor)).first()
    policy.require_person(actor, consent.person_id if consent else 0, action=action,
                          detail=f"本人同意#{consent_id}")
    assert consent is not None  # require_person raised Http404 otherwise
    return consent


def consent_current_for(person: Person, organization: Any, purpose: str,
                        day: dt.date | None = None, *, consent: Consent | None = None
                        ) -> Consent | None:
    """The newest consent of ``person`` that is current on ``day`` (default today), names
    ``organization`` and covers ``purpose`` — or None. With ``consent``: that one only."""
    from django.utils import timezone

    day = day or timezone.localdate()
    qs = Consent.objects.filter(person=person, organizations=organization,
                                withdrawn_on__isnull=True, obtained_on__lte=day)
    if consent is not None:
        qs = qs.filter(pk=consent.pk)
    for found in qs.order_by("-obtained_on", "-id"):
        if found.is_current(day) and purpose in found.purposes:
            return found
    return None
