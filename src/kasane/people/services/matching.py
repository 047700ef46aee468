"""名寄せ in the people app: key table, incremental matching, batch runs (no access decisions).

The engine (``kasane.core.linkage``) is used only through its public API. This module is a
system process: it reads every person of one municipality to *propose* pairs, and shows
nothing to anyone. What a coordinator may see of a proposal is decided in
``selectors.matching`` through ``access.policy``; decisions are made in ``match_decisions``.

- ``keys_store(person)``: the person's blocking keys and name-frequency keys, in
  ``PersonMatchKey`` (B-tree index on ``key``); called by ``people.services`` on every
  create/update.
- ``match_person(person)``: incremental matching of one person against the persons sharing a
  key (blocks over ``MAX_BLOCK`` skipped), queueing ``MatchCandidate`` rows.
- ``run_batch(run)``: ``candidate_pairs`` over the whole municipality (background task and
  ``./kasane match_persons``).

Decided pairs (同一人物 / 別人) are never re-queued or re-scored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from kasane.core.linkage import (
    HIGH,
    MAX_BLOCK,
    THRESHOLD,
    NameFrequencies,
    PersonRecord,
    ScoredPair,
    block_keys,
    candidate_pairs,
    name_frequencies,
    score_pair,
    threshold_for,
)

from ..events import MATCH_QUEUED
from ..models import (
    DECIDED,
    HouseholdMember,
    MatchCandidate,
    MatchRun,
    MatchRunStatus,
    MatchStatus,
    Person,
    PersonMatchKey,
)

log = logging.getLogger(__name__)

KEY_MAX = 255
TF_MIN_POPULATION = 1000
"""Below this many persons, name shares are too noisy for term-frequency weights (in a
register of 50, every name looks common): the engine's plain weights are used instead."""
RECORD_FIELDS = ("pk", "family_name", "given_name", "family_name_kana", "given_name_kana",
                 "birth_date", "phone", "phone_mobile", "address")


# ---------------------------------------------------------------------------
# records and keys
# ---------------------------------------------------------------------------


def _record(p: Any, household: tuple[str, ...] = ()) -> PersonRecord:
    return PersonRecord(id=p.pk, family_name=p.family_name, given_name=p.given_name,
                        family_kana=p.family_name_kana, given_kana=p.given_name_kana,
                        birth_date=p.birth_date, phone=p.phone or p.phone_mobile,
                        address=p.address, household=household)


def households_of(person_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Names of the *other* members of each person's household(s), as recorded."""
    ids = list(person_ids)
    if not ids:
        return {}
    mine = list(HouseholdMember.objects.filter(person_id__in=ids)
                .values_list("person_id", "household_id"))
    households = {h for _, h in mine}
    members: dict[int, list[tuple[int, str]]] = {}
    for hid, pid, fam, giv in HouseholdMember.objects.filter(household_id__in=households) \
            .values_list("household_id", "person_id", "person__family_name", "person__given_name"):
        members.setdefault(hid, []).append((pid, f"{fam}{giv}"))
    out: dict[int, list[str]] = {}
    for pid, hid in mine:
        out.setdefault(pid, []).extend(name for other, name in members.get(hid, []) if other != pid)
    return {pid: tuple(names) for pid, names in out.items()}


def records_of(persons: Sequence[Any]) -> list[PersonRecord]:
    households = households_of([p.pk for p in persons])
    return [_record(p, households.get(p.pk, ())) for p in persons]


def keys_of(record: PersonRecord) -> tuple[list[str], list[str]]:
    """(blocking keys, name-frequency keys) of one record, from the engine's public API."""
    blocks = [k[:KEY_MAX] for k in block_keys(record)]
    names = [k[:KEY_MAX] for k in name_frequencies([record]).counts]
    return blocks, names


def keys_store(person: Person) -> list[str]:
    """Replace the person's stored keys; returns the blocking keys."""
    blocks, names = keys_of(_record(person))
    wanted = set(blocks) | set(names)
    have = set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True))
    if have - wanted:
        PersonMatchKey.objects.filter(person=person, key__in=have - wanted).delete()
    PersonMatchKey.objects.bulk_create([
        PersonMatchKey(municipality_id=person.municipality_id, person=person, key=k)
        for k in sorted(wanted - have)])
    return blocks


def keys_rebuild(municipality_id: int, *, batch: int = 2000) -> int:
    """Re-derive every person's keys of a municipality (after an ITAIJI change or an import
    that bypassed the services). Returns the number of persons."""
    PersonMatchKey.objects.filter(municipality_id=municipality_id).delete()
    count = 0
    qs = Person.objects.filter(municipality_id=municipality_id).only(*RECORD_FIELDS[1:]) \
        .order_by("pk")
    rows: list[PersonMatchKey] = []
    for p in qs.iterator(chunk_size=batch):
        blocks, names = keys_of(_record(p))
        rows.extend(PersonMatchKey(municipality_id=municipality_id, person_id=p.pk, key=k)
                    for k in dict.fromkeys(blocks + names))
        count += 1
        if len(rows) >= batch * 8:
            PersonMatchKey.objects.bulk_create(rows)
            rows = []
    PersonMatchKey.objects.bulk_create(rows)
    return count


def frequencies_for(municipality_id: int, record: PersonRecord, *,
                    population: int) -> NameFrequencies:
    """Term frequencies of the record's own name keys, counted over the stored keys (none
    below ``TF_MIN_POPULATION``: an empty table means the engine's plain weights)."""
    if population < TF_MIN_POPULATION:
        return NameFrequencies({}, population)
    _, names = keys_of(record)
    counts = dict(PersonMatchKey.objects.filter(municipality_id=municipality_id, key__in=names)
                  .values("key").annotate(n=Count("key")).values_list("key", "n"))
    return NameFrequencies(counts, population)


# ---------------------------------------------------------------------------
# queueing
# ---------------------------------------------------------------------------


def _comparisons(pair: ScoredPair) -> list[dict[str, Any]]:
    return [{"field": c.field, "level": c.level, "label": c.label, "weight": c.weight}
            for c in pair.comparisons]


def band_of(score: float, threshold: float = THRESHOLD) -> str:
    """``high`` / ``review`` / ``low`` like ``ScoredPair.band``, for the register's threshold."""
    if score >= HIGH:
        return "high"
    return "review" if score >= threshold else "low"


def queue_pairs(municipality_id: int, pairs: Iterable[ScoredPair], *, found_by: str,
                threshold: float = THRESHOLD, rescore: Iterable[int] = ()) -> dict[str, int]:
    """Store scored pairs: new ones reaching ``threshold`` become 未確認, undecided ones are
    re-scored, decided ones are left alone. Open candidates of the persons in ``rescore`` that no longer reach
    the threshold are dropped (保留 ones keep their note and get the new score)."""
    by_pair: dict[tuple[int, int], ScoredPair] = {}
    for p in pairs:
        a, b = sorted((int(p.a), int(p.b)))  # type: ignore[call-overload]
        if a != b:
            by_pair[(a, b)] = p
    stats = {"created": 0, "rescored": 0, "skipped_decided": 0, "dropped": 0}
    existing: dict[tuple[int, int], MatchCandidate] = {}
    ids = set(rescore)
    if ids:  # incremental: every candidate of these persons in one query
        for c in MatchCandidate.objects.filter(Q(person_a_id__in=ids) | Q(person_b_id__in=ids)):
            existing[(c.person_a_id, c.person_b_id)] = c
    keys = [k for k in by_pair if k not in existing] if not ids else []
    for i in range(0, len(keys), 500):
        cond = Q()
        for a, b in keys[i:i + 500]:
            cond |= Q(person_a_id=a, person_b_id=b)
        for c in MatchCandidate.objects.filter(cond):
            existing[(c.person_a_id, c.person_b_id)] = c
    new, changed = [], []
    for (a, b), pair in by_pair.items():
        band = band_of(pair.score, threshold)
        found = existing.get((a, b))
        if found is None:
            if band != "low":
                new.append(MatchCandidate(municipality_id=municipality_id, person_a_id=a,
                                          person_b_id=b, score=pair.score, band=band,
                                          comparisons=_comparisons(pair), found_by=found_by))
        elif found.status in DECIDED:
            stats["skipped_decided"] += 1
        elif band == "low" and found.status == MatchStatus.PENDING:
            found.delete()
            stats["dropped"] += 1
        else:
            found.score, found.comparisons = pair.score, _comparisons(pair)
            found.band = band if band != "low" else found.band
            found.scored_at = timezone.now()
            changed.append(found)
    MatchCandidate.objects.bulk_create(new, ignore_conflicts=True)
    MatchCandidate.objects.bulk_update(changed, ["score", "band", "comparisons", "scored_at"])
    stats["created"], stats["rescored"] = len(new), len(changed)
    if new:
        MATCH_QUEUED.emit(municipality_id=municipality_id, created=len(new))
    stale = [c.pk for k, c in existing.items()  # open candidates of ``rescore`` not found again
             if k not in by_pair and c.status == MatchStatus.PENDING]
    if stale:
        MatchCandidate.objects.filter(pk__in=stale).delete()
        stats["dropped"] += len(stale)
    return stats


# ---------------------------------------------------------------------------
# incremental (every new or changed person)
# ---------------------------------------------------------------------------


_SIZES: dict[int, tuple[float, int]] = {}
SIZE_TTL = 300.0  # seconds a register size is reused by incremental matching


def register_size(municipality_id: int) -> int:
    """Persons in the municipality (threshold and term frequencies), counted at most every
    ``SIZE_TTL`` seconds per process: a few more or less do not change either."""
    now = time.monotonic()
    cached = _SIZES.get(municipality_id)
    if cached is None or now - cached[0] > SIZE_TTL or cached[1] < TF_MIN_POPULATION:
        cached = (now, Person.objects.filter(municipality_id=municipality_id).count())
        _SIZES[municipality_id] = cached
    return cached[1]


def match_person(person: Person) -> dict[str, int]:
    """Store the person's keys and score them against every person sharing a key."""
    muni = person.municipality_id
    record = records_of([person])[0]
    blocks = keys_store(person)
    sizes = dict(PersonMatchKey.objects.filter(municipality_id=muni, key__in=blocks)
                 .values("key").annotate(n=Count("key")).values_list("key", "n"))
    usable = [k for k in blocks if sizes.get(k, 0) <= MAX_BLOCK]
    other_ids = set(PersonMatchKey.objects.filter(municipality_id=muni, key__in=usable)
                    .exclude(person_id=person.pk).values_list("person_id", flat=True))
    others = list(Person.objects.filter(pk__in=other_ids, municipality_id=muni)
                  .only(*RECORD_FIELDS[1:]))
    population = register_size(muni)
    tf = frequencies_for(muni, record, population=population)
    threshold = threshold_for(population)
    pairs = [score_pair(record, other, frequencies=tf) for other in records_of(others)]
    return queue_pairs(muni, pairs, threshold=threshold, found_by="incremental",
                       rescore=[person.pk])


def on_person_saved(person: Person) -> None:
    """Hook for ``people.services``: keys + incremental matching in a savepoint, so a failure
    here never loses the person being saved (the next batch run catches up)."""
    try:
        with transaction.atomic():
            match_person(person)
    except Exception:  # noqa: BLE001 - matching must never block registering a person
        log.exception("名寄せの照合に失敗しました (person %s)", person.pk)


INCREMENTAL_MAX = 2000
"""An import of more rows than this queues one batch run instead of matching each new person
on its own (the batch scores the whole register once)."""


def match_new_persons(persons: Sequence[Person], *, incremental: bool = True) -> None:
    """名寄せ for persons an import just created: each matched at once (candidates queued
    now, as for a person registered on a screen) — or, for a large import (``incremental``
    False), nothing here: the import queues one batch run (``match_batch_queue``, trigger
    ``import``) that rebuilds the register's keys and scores it in the background."""
    if incremental:
        for person in persons:
            on_person_saved(person)


def match_batch_queue(municipality_id: int, *, requested_by: Any, trigger: str = "import"
                      ) -> MatchRun | None:
    """Queue one batch run of the municipality (``tasks.match_batch``, after commit) unless
    one is already queued or running."""
    if MatchRun.objects.filter(municipality_id=municipality_id,
                               status__in=[MatchRunStatus.QUEUED, MatchRunStatus.RUNNING]).exists():
        return None
    from .. import tasks

    run = MatchRun.objects.create(municipality_id=municipality_id, requested_by=requested_by,
                                  trigger=trigger)
    transaction.on_commit(lambda: tasks.match_batch.enqueue(run.pk))
    return run


# ---------------------------------------------------------------------------
# batch
# ---------------------------------------------------------------------------


def _set(run: MatchRun, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    MatchRun.objects.filter(pk=run.pk).update(**fields)


def run_batch(run: MatchRun, *, workers: int = 1, rebuild_keys: bool = False) -> MatchRun:
    """Score every pair of the municipality's register (``candidate_pairs``) and queue the
    candidates; progress and figures are written to ``run`` as it goes."""
    started = time.monotonic()
    muni = run.municipality_id
    _set(run, status=MatchRunStatus.RUNNING, started_at=timezone.now(), phase="読み込み中")
    try:
        if rebuild_keys:
            _set(run, phase="キーの再作成中")
            keys_rebuild(muni)
        persons = list(Person.objects.filter(municipality_id=muni).only(*RECORD_FIELDS[1:])
                       .order_by("pk"))
        records = records_of(persons)
        threshold = threshold_for(len(records))
        _set(run, persons=len(records), threshold=threshold, phase="照合中")
        plain = NameFrequencies({}, len(records)) if len(records) < TF_MIN_POPULATION else None
        try:
            pairs = candidate_pairs(records, threshold=threshold, workers=workers,
                                    frequencies=plain)
        except Exception:
            if workers <= 1:
                raise
            log.exception("並列の照合に失敗したため、1プロセスでやり直します (run %s)", run.pk)
            pairs = candidate_pairs(records, threshold=threshold, workers=1, frequencies=plain)
        _set(run, pairs=len(pairs), phase="候補の保存中")
        with transaction.atomic():
            stats = queue_pairs(muni, pairs, threshold=threshold, found_by="batch")
        _set(run, status=MatchRunStatus.DONE, phase="", finished_at=timezone.now(),
             created=stats["created"], rescored=stats["rescored"],
             skipped_decided=stats["skipped_decided"],
             seconds=round(time.monotonic() - started, 2))
    except Exception as exc:
        log.exception("名寄せの一括照合に失敗しました (run %s)", run.pk)
        _set(run, status=MatchRunStatus.FAILED, phase="", finished_at=timezone.now(),
             message=f"{type(exc).__name__}: {exc}"[:500],
             seconds=round(time.monotonic() - started, 2))
    return run
