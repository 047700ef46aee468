"""Reads of 名寄せ candidates and identity clusters, for one acting coordinator — all through
``access.policy`` (docs/matching.md "In the people app").

A candidate pair is shown in full only when the actor may see *both* records. When only one
is visible, the row says that a candidate exists for that person and nothing about the other
record (no name, score, organization or comparison). A pair with neither side visible does
not exist for the actor. Merged persons (``PersonLink``) never widen access: a cluster is
shown as the members the actor may see on their own, each with its own basis.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404

from kasane.access import policy
from kasane.accounts.models import Actor, Role
from kasane.audit.models import Basis
from kasane.audit.services import access_log_many
from kasane.core.ids import as_id
from kasane.core.linkage import HIGH, threshold_for
from kasane.core.registry import Registry
from kasane.core.wareki import format_wareki, format_wareki_year

from ..models import MatchCandidate, MatchRun, MatchStatus, Person, PersonLink
from ..presenters import PersonView, person_view, person_views

OPEN = (MatchStatus.PENDING, MatchStatus.HOLD)
MASKED_FIELDS = ("電話番号", "住所", "世帯")
MASKED_LABEL = "閲覧制限のため表示しません"
MASKED_BAND_LABEL = "判定は表示しません（閲覧制限）"
# Decidable pairs first; pairs with a hidden side never sort by their (hidden) score or band.
SORTS = {"score": ("-both", "-shown_score", "id"), "band": ("-both", "shown_band", "-shown_score", "id"),
         "new": ("-created_at", "-id"), "old": ("created_at", "id")}
PLAIN_SORTS = {"score": ("-score", "id"), "band": ("band", "-score", "id"),
               "new": ("-created_at", "-id"), "old": ("created_at", "id")}


def may_review(actor: Actor | None) -> bool:
    """名寄せ decisions are made by 相談支援包括化推進員 (coordinators) who handle persons."""
    return bool(actor is not None and policy.handles_persons(actor)
                and actor.role == Role.COORDINATOR)


def require_reviewer(actor: Actor | None) -> Actor:
    if actor is None or not may_review(actor):
        policy.log_denied(actor, "search", detail="名寄せ候補")
        raise PermissionDenied("名寄せ候補の確認は相談支援包括化推進員が行います。")
    return actor


Part = tuple[str, bool]  # a piece of a shown value, and whether it differs from the other record

COMPARED_STATES = {"differ": "相違", "notation": "表記の違い", "missing": "片方のみ記載",
                   "masked": "比較しません（閲覧制限）"}


@dataclass
class CompareRow:
    """One line of the side-by-side comparison: each record's value in pieces (the pieces
    that differ from the other record are marked), the state, and the engine's explanation
    of that field (``core.linkage`` labels, e.g. 「月と日の入れ替わり」)."""

    label: str
    a: list[Part]
    b: list[Part]
    state: str  # same / differ / notation / missing / masked / "" (not compared)
    notes: list[str] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return COMPARED_STATES.get(self.state, "")


@dataclass(frozen=True)
class ScoreScale:
    """How to read a candidate's score: the sum of the engine's points for each field
    (agreements add, disagreements subtract); pairs at ``threshold`` or more become
    candidates, at ``high`` or more they are shown as 一致の可能性が高い."""

    threshold: float
    high: float

    @property
    def top(self) -> float:
        """The end of the meter: far enough above ``high`` for typical strong pairs."""
        return max(self.high * 2, self.threshold + 30)


@dataclass(frozen=True)
class CandidateCounts:
    """Open candidates as the reviewer sees them: the ones they can decide (both records
    visible) and the ones with a record they may not see. The home page and the queue say
    both numbers in the same words."""

    decidable: int
    one_side: int

    @property
    def total(self) -> int:
        return self.decidable + self.one_side


@dataclass
class CandidateView:
    """One candidate as the actor may see it. ``persons`` holds (side, view-or-None)."""

    candidate: MatchCandidate
    a: PersonView | None
    b: PersonView | None
    bases: dict[int, str] = field(default_factory=dict)
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    masked: bool = False
    rows: list[CompareRow] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.candidate.pk)

    @property
    def decidable(self) -> bool:
        return self.a is not None and self.b is not None

    @property
    def visible(self) -> list[PersonView]:
        return [v for v in (self.a, self.b) if v is not None]

    @property
    def emergency_only(self) -> bool:
        """A side is visible only through 緊急アクセス: shown, but not for a decision."""
        return Basis.EMERGENCY in self.bases.values()

    @property
    def score(self) -> float | None:
        return self.candidate.score if self.decidable and not self.masked else None

    @property
    def band(self) -> str | None:
        """Hidden under 閲覧制限 like the score: the band depends on the masked address and
        phone, so showing it would let anyone test guessed addresses (issue 22 finding 4)."""
        return self.candidate.band if self.decidable and not self.masked else None

    @property
    def band_label(self) -> str:
        if self.decidable and self.masked:
            return MASKED_BAND_LABEL
        return self.candidate.get_band_display() if self.decidable else ""

    def as_dict(self) -> dict[str, Any]:
        c = self.candidate
        return {"id": c.pk, "status": c.status if self.decidable else MatchStatus.PENDING,
                "status_label": c.get_status_display() if self.decidable else "確認待ち",
                "decidable": self.decidable, "band": self.band, "band_label": self.band_label,
                "score": self.score, "comparisons": self.comparisons,
                "persons": [{**v.as_dict(), "basis": self.bases.get(v.id)} for v in self.visible],
                "other_hidden": not self.decidable, "note": c.note if self.decidable else "",
                "decided_at": c.decided_at if self.decidable else None}


def _comparisons(candidate: MatchCandidate, masked: bool) -> list[dict[str, Any]]:
    out = []
    for comp in candidate.comparisons:
        if masked and comp.get("field") in MASKED_FIELDS:
            out.append({"field": comp["field"], "label": MASKED_LABEL, "weight": None})
        else:
            out.append({"field": comp.get("field", ""), "label": comp.get("label", ""),
                        "weight": comp.get("weight")})
    return out


def _diff(a: str, b: str) -> tuple[list[Part], list[Part]]:
    """Both values cut into pieces, the pieces that differ marked (character level)."""
    left: list[Part] = []
    right: list[Part] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if a[i1:i2]:
            left.append((a[i1:i2], tag != "equal"))
        if b[j1:j2]:
            right.append((b[j1:j2], tag != "equal"))
    return left, right


def _compare(label: str, a: str, b: str, *, notes: list[str], masked: bool = False,
             compared: bool = True, same_to_engine: bool = False) -> CompareRow:
    """``same_to_engine``: the engine found the field identical once normalized (異体字,
    漢数字, カナ): differing text is then a 表記の違い, not a 相違."""
    if masked:
        return CompareRow(label, [(a, False)], [(b, False)], "masked", notes)
    if not compared:
        return CompareRow(label, [(a, False)], [(b, False)], "", notes)
    if a == b:
        return CompareRow(label, [(a, False)], [(b, False)], "same" if a else "", notes)
    if not a or not b:
        return CompareRow(label, [(a, bool(a))], [(b, bool(b))], "missing", notes)
    left, right = _diff(a, b)
    return CompareRow(label, left, right, "notation" if same_to_engine else "differ", notes)


def _birth(view: PersonView) -> str:
    d = view.birth_date
    return f"{format_wareki(d)}（{d.year}年）" if d else ""


def _date_parts(d: dt.date, other: dt.date) -> list[Part]:
    """令和… year, month and day, each marked when it differs from ``other`` (4月3日 and
    3月4日 mark both numbers, not a shifted run of characters)."""
    year = d.year != other.year
    return [(format_wareki_year(d), year), (str(d.month), d.month != other.month), ("月", False),
            (str(d.day), d.day != other.day), ("日", False), (f"（{d.year}年）", year)]


def _phones(view: PersonView) -> str:
    if view.masked:
        return view.phone  # the mask, once
    return " ".join(p for p in (view.phone, view.phone_mobile) if p)


def _birth_row(a: PersonView, b: PersonView, *, notes: list[str]) -> CompareRow:
    row = _compare("生年月日", _birth(a), _birth(b), notes=notes)
    if row.state == "differ" and a.birth_date and b.birth_date:
        row.a = _date_parts(a.birth_date, b.birth_date)
        row.b = _date_parts(b.birth_date, a.birth_date)
    return row


def compare_rows(view: CandidateView) -> list[CompareRow]:
    """The review page's comparison of a decidable pair: names, birth dates, addresses and
    phones side by side with their differences marked (髙橋/高橋, 4月3日/3月4日, another
    address). Under 閲覧制限 the masked fields are shown masked and never compared."""
    a, b = view.a, view.b
    if a is None or b is None:
        return []
    exact = {comp.get("field"): True for comp in view.candidate.comparisons}
    for comp in view.candidate.comparisons:  # the stored levels, e.g. "family.exact"
        exact[comp.get("field")] = exact[comp.get("field")] and \
            str(comp.get("level", "")).endswith(".exact")
    notes: dict[str, list[str]] = {}
    for comp in view.comparisons:
        weight = comp.get("weight")
        points = "" if weight is None else f"（{'+' if weight > 0 else ''}{weight} 点）"
        notes.setdefault(comp["field"], []).append(f"{comp['field']}: {comp['label']}{points}")
    return [
        _compare("氏名", a.full_name, b.full_name, notes=notes.get("氏", []) + notes.get("名", []),
                 same_to_engine=exact.get("氏", False) and exact.get("名", False)),
        _compare("フリガナ", a.full_kana, b.full_kana, notes=[],
                 same_to_engine=exact.get("氏", False) and exact.get("名", False)),
        _birth_row(a, b, notes=notes.get("生年月日", [])),
        _compare("住所", a.address, b.address, notes=notes.get("住所", []), masked=view.masked,
                 same_to_engine=exact.get("住所", False)),
        _compare("電話", _phones(a), _phones(b), notes=notes.get("電話番号", []),
                 masked=view.masked, same_to_engine=exact.get("電話番号", False)),
        _compare("記録した組織", a.recorded_by, b.recorded_by, notes=[], compared=False),
    ]


def score_scale(actor: Actor) -> ScoreScale:
    """The scale of the actor's municipality: its register's threshold (``threshold_for``)."""
    from ..services.matching import register_size

    return ScoreScale(threshold=threshold_for(register_size(policy.tenant_id(actor))), high=HIGH)


def candidate_counts(actor: Actor, *, status: str = "open", band: str = "",
                     visibility: str = "") -> CandidateCounts:
    """How many candidates ``candidates_for`` lists with these filters, split into those
    the actor can decide and those with a record they may not see."""
    decidable = 0 if visibility == "one" else candidates_for(
        actor, status=status, band=band, visibility="both").count()
    one_side = 0 if visibility == "both" or band else candidates_for(
        actor, status=status, visibility="one").count()
    return CandidateCounts(decidable=decidable, one_side=one_side)


def candidates_for(actor: Actor, *, status: str = "open", band: str = "", visibility: str = "",
                   sort: str = "score") -> QuerySet[MatchCandidate]:
    """Candidates of which the actor may see at least one record (``visibility``: ``both``
    = decidable here, ``one`` = only one side visible). Logs nothing (rows are logged when
    shown, ``candidate_views``)."""
    if not may_review(actor):
        return MatchCandidate.objects.none()
    visible = policy.visible_persons(actor)
    masked_for_actor = Person.objects.exclude(restriction="").exclude(
        Exists(Person.restriction_users.through.objects.filter(
            person_id=OuterRef("pk"), user_id=actor.user_id)))
    qs = MatchCandidate.objects.filter(municipality_id=policy.tenant_id(actor)).alias(
        a_vis=Exists(visible.filter(pk=OuterRef("person_a_id"))),
        b_vis=Exists(visible.filter(pk=OuterRef("person_b_id"))),
        a_masked=Exists(masked_for_actor.filter(pk=OuterRef("person_a_id"))),
        b_masked=Exists(masked_for_actor.filter(pk=OuterRef("person_b_id"))))
    both = Q(a_vis=True, b_vis=True)
    masked = Q(a_masked=True) | Q(b_masked=True)
    # a pair with a hidden side is listed only while open, and never by its band; a pair
    # under 閲覧制限 (for this actor) is never filtered or sorted by its band or score either
    one = (Q(a_vis=True) | Q(b_vis=True)) & ~both & Q(status__in=OPEN)
    plain = visibility == "both" or bool(band)  # every row decidable: sort on the columns
    order = SORTS.get(sort, SORTS["score"])
    if plain:
        qs = qs.filter(both)
    elif visibility == "one":
        qs = qs.filter(one)
    else:
        qs = qs.filter(both | one)
    shown = both & ~masked
    qs = qs.alias(
        both=Case(When(both, then=Value(1)), default=Value(0), output_field=IntegerField()),
        shown_score=Case(When(shown, then=F("score")), default=Value(0.0),
                         output_field=FloatField()),
        shown_band=Case(When(shown, then=F("band")), default=Value(""),
                        output_field=CharField()))
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status in MatchStatus.values:
        qs = qs.filter(status=status)
    if band:
        qs = qs.filter(band=band).exclude(masked)
    return qs.order_by(*order)


def candidate_views(actor: Actor, candidates: list[MatchCandidate], *,
                    log_detail: str = "名寄せ候補一覧") -> list[CandidateView]:
    """Rows for a list: visible sides only (masked for 閲覧制限), logged as search results."""
    ids = {pid for c in candidates for pid in (c.person_a_id, c.person_b_id)}
    bases = policy.bases_for(actor, ids)
    persons = {p.pk: p for p in Person.objects.filter(pk__in=bases).select_related("created_by_org")}
    views = {v.id: v for v in person_views(actor, list(persons.values()))}
    rows = []
    for c in candidates:
        a, b = views.get(c.person_a_id), views.get(c.person_b_id)
        masked = any(v.masked for v in (a, b) if v is not None)
        row = CandidateView(c, a, b, {k: bases[k] for k in (c.person_a_id, c.person_b_id)
                                      if k in bases}, masked=masked)
        if row.decidable:
            row.comparisons = _comparisons(c, masked)
        rows.append(row)
    shown = sorted({v.id for r in rows for v in r.visible})
    if shown:
        access_log_many(user=actor.user, action="person.search", organization_id=actor.organization_id,
                        entries=[("people.Person", pid, pid, bases[pid]) for pid in shown],
                        detail=log_detail)
    return rows


def candidate_get(actor: Actor, candidate_id: Any) -> CandidateView:
    """One candidate for the review page: each visible side is read through
    ``require_person`` (logged); a candidate with no visible side is a logged 404."""
    require_reviewer(actor)
    c = MatchCandidate.objects.filter(pk=as_id(candidate_id), municipality_id=policy.tenant_id(actor)).first()
    bases = policy.bases_for(actor, [c.person_a_id, c.person_b_id]) if c else {}
    if c is None or not bases or (len(bases) == 1 and c.status not in OPEN):
        policy.log_denied(actor, "view", detail=f"名寄せ候補#{candidate_id}"[:500])
        raise Http404("見つかりません。")
    sides: dict[int, PersonView] = {}
    for pid in (c.person_a_id, c.person_b_id):
        if pid in bases:
            person, _ = policy.require_person(actor, pid, detail=f"名寄せ候補#{c.pk}")
            sides[pid] = person_view(actor, person)
    a, b = sides.get(c.person_a_id), sides.get(c.person_b_id)
    masked = any(v.masked for v in sides.values())
    view = CandidateView(c, a, b, bases, masked=masked)
    if view.decidable:
        view.comparisons = _comparisons(c, masked)
        view.rows = compare_rows(view)
    return view


def last_runs(actor: Actor, limit: int = 3) -> list[MatchRun]:
    if not may_review(actor):
        return []
    return list(MatchRun.objects.filter(municipality_id=policy.tenant_id(actor))
                .select_related("requested_by")[:limit])


# ---------------------------------------------------------------------------
# identity clusters (the merged person page)
# ---------------------------------------------------------------------------


def cluster_of(person_id: int, *, limit: int = 200) -> set[int]:
    """All records linked to ``person_id`` through active links (no access decision)."""
    seen = {int(person_id)}
    frontier = set(seen)
    while frontier and len(seen) < limit:
        pairs = PersonLink.objects.filter(
            Q(person_a_id__in=frontier) | Q(person_b_id__in=frontier), ended_at__isnull=True,
        ).values_list("person_a_id", "person_b_id")
        found = {x for pair in pairs for x in pair} - seen
        seen |= found
        frontier = found
    return seen


# What each record of a merged identity is part of, from apps above people (cases registers
# "cases": ``fn(actor, person_ids) -> {person_id: [case, …]}``, only cases the actor may see).
IdentityRecords = Callable[[Actor, list[int]], dict[int, list[Any]]]
IDENTITY_RECORDS: Registry[IdentityRecords] = Registry("records of a merged identity's members")


@dataclass
class IdentityMember:
    view: PersonView
    basis: str
    basis_label: str
    cases: list[Any]
    is_self: bool


@dataclass
class IdentityLink:
    link: PersonLink
    can_unmerge: bool


@dataclass
class Identity:
    members: list[IdentityMember]
    links: list[IdentityLink]

    @property
    def others(self) -> list[IdentityMember]:
        return [m for m in self.members if not m.is_self]


def identity_of(actor: Actor, person: Person, *, log: bool = True) -> Identity:
    """The records confirmed as the same person that ``actor`` may see on their own basis;
    the others are left out without a trace (no count). Reads of the other visible records
    are logged. ``person`` must come from ``policy.require_person``."""
    ids = cluster_of(person.pk)
    if len(ids) == 1:
        return Identity([], [])
    bases = policy.bases_for(actor, ids)
    if person.pk not in bases:
        return Identity([], [])
    others = [pid for pid in ids if pid in bases and pid != person.pk]
    persons = {p.pk: p for p in Person.objects.filter(pk__in=others).select_related("created_by_org")}
    persons[person.pk] = person
    views = {v.id: v for v in person_views(actor, list(persons.values()))}
    cases: dict[int, list[Any]] = {}
    for provider in IDENTITY_RECORDS.get("cases"):
        for pid, found in provider(actor, list(persons)).items():
            cases.setdefault(pid, []).extend(found)
    order = [person.pk] + sorted(others)
    members = [IdentityMember(views[pid], bases[pid], Basis(bases[pid]).label,
                              cases.get(pid, []), pid == person.pk) for pid in order]
    reviewer = may_review(actor)
    links = [IdentityLink(link, reviewer) for link in PersonLink.objects.filter(
        person_a_id__in=list(persons), person_b_id__in=list(persons), ended_at__isnull=True,
    ).select_related("created_by")]
    if log and others:
        access_log_many(user=actor.user, action="person.view", organization_id=actor.organization_id,
                        entries=[("people.Person", pid, pid, bases[pid]) for pid in sorted(others)],
                        detail=f"同一人物の記録（本人ID {person.pk}）")
    return Identity(members if len(members) > 1 else [], links)


def link_get(actor: Actor, link_id: Any) -> PersonLink:
    """An active link whose two records the coordinator may both see; otherwise a logged 404."""
    require_reviewer(actor)
    link = PersonLink.objects.filter(pk=as_id(link_id), municipality_id=policy.tenant_id(actor)).first()
    if link is None or len(policy.bases_for(actor, [link.person_a_id, link.person_b_id])) < 2:
        policy.log_denied(actor, "view", detail=f"同一人物の関連付け#{link_id}"[:500])
        raise Http404("見つかりません。")
    return link
