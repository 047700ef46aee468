"""Sheets act on their links: the core records a submitted sheet creates (docs/sheets.md
"Sheets act on their links").

A definition field carries ``"binding": "<kind>"``. ``person`` and ``consent`` are wired by
``bindings`` (a failure there refuses the submit). Every other kind — ``case``, ``referral``,
``contact``, ``support_plan``, ``involvement``, ``closure``, ``match``, ``area_issue`` — is
*derived* here, by a ``LinkHandler`` that the app owning the core record registers in
``LINKS`` from its own module (cases: ``cases/sheet_links.py``); sheets imports none of them.

``derive()`` runs inside the submit (or edit) transaction, after the bindings. A handler
turns the record into ``Step``\\ s, each with a stable ``key`` (``contact:0`` = the first
contact row); each step runs in its own savepoint and leaves one ``SheetDerivation`` row:

* ``done`` — the record was created (or, on an edit, updated) through the owner's services;
* ``pending`` — someone must confirm (attach to the person's open case, send a referral
  draft, approve a closure proposal): ``confirm()`` runs the step again with
  ``operation="confirm"``;
* ``failed`` — the state of other records refused it (closed case, no 主担当): the sheet is
  saved all the same, the Japanese message is shown at the field and ``retry()`` runs it again;
  nothing of the failed step remains (its savepoint rolled back);
* ``waiting`` — a kind listed in ``WAITING_FOR`` whose app does not exist yet: the link is
  kept until that app registers a handler (none today: 参加支援 ``match`` and 地域課題
  ``area_issue`` have theirs; rows left waiting before derive on 「再実行」).

Re-submitting, editing or retrying never derives twice: a step finds its earlier row
(``Link.previous``) and updates what it created. A handler acts as the submitting actor, so
the owners' services decide whether that organization may write there (never across
organizations without a basis).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kasane.accounts.models import Actor
from kasane.core.registry import Registry

from .models import DerivationStatus, SheetDefinition, SheetDerivation, SheetRecord

# Kinds wired by ``bindings`` (not derived here).
BOUND_KINDS = frozenset({"person", "consent"})
# Kinds whose app is not built yet: the link waits (the label names the feature). Empty
# today; a kind listed here while its app registers a handler is stale (test_links checks).
WAITING_FOR: dict[str, str] = {}
WAITING_KIND: dict[str, str] = {}


@dataclass(frozen=True)
class Link:
    """What a handler sees: the record, the acting membership, the bound fields of its kind
    and the rows earlier runs left (by key)."""

    record: SheetRecord
    actor: Actor
    kind: str
    fields: tuple[dict[str, Any], ...]
    operation: str  # "submit" | "edit" | "retry" | "confirm" | "import"
    previous: Mapping[str, SheetDerivation] = field(default_factory=dict)
    confirm_key: str = ""

    @property
    def answers(self) -> dict[str, Any]:
        return self.record.answers

    def confirming(self, key: str) -> bool:
        return self.operation == "confirm" and self.confirm_key == key


@dataclass
class Outcome:
    """What one step did. ``object_id`` names the created record (kept when a later run
    fails); ``action`` is the confirm button's text of a pending step."""

    status: str = DerivationStatus.DONE
    object_id: int | None = None
    label: str = ""
    message: str = ""
    url: str = ""
    action: str = ""


@dataclass(frozen=True)
class Step:
    key: str
    kind: str
    field: str
    run: Callable[[Link, SheetDerivation | None], Outcome]


@dataclass(frozen=True)
class LinkHandler:
    """``steps(link)`` lists what the record asks for (``[]`` = nothing for this sheet);
    ``covers`` are further binding kinds the handler takes care of (a plan's ``involvement``
    rows go with its ``support_plan``)."""

    kind: str
    steps: Callable[[Link], list[Step]]
    covers: tuple[str, ...] = ()


LINKS: Registry[LinkHandler] = Registry("sheet link derivations", unique=True)


def register(handler: LinkHandler) -> LinkHandler:
    return LINKS.add(handler.kind, handler)


def unregister(handler: LinkHandler) -> None:
    LINKS.discard(handler.kind, handler)


def bound_kinds(definition: SheetDefinition) -> dict[str, tuple[dict[str, Any], ...]]:
    """The definition's derived kinds in order, each with its bound fields."""
    found: dict[str, list[dict[str, Any]]] = {}
    for f in definition.fields:
        kind = f.get("binding")
        if kind and kind not in BOUND_KINDS:
            found.setdefault(kind, []).append(f)
    return {k: tuple(v) for k, v in found.items()}


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(dict.fromkeys(exc.messages))[:500]
    return (str(exc) or "この操作の権限がありません。")[:500]


def _save(record: SheetRecord, step: Step, prev: SheetDerivation | None,
          out: Outcome) -> SheetDerivation:
    values = {"kind": step.kind, "field": step.field, "status": out.status,
              "object_id": out.object_id if out.object_id is not None
              else (prev.object_id if prev else None),
              "label": out.label[:200], "message": out.message[:500], "url": out.url[:200],
              "action": out.action[:60]}
    if prev is None:
        return SheetDerivation.objects.create(record=record, key=step.key, **values)
    for name, value in values.items():
        setattr(prev, name, value)
    prev.save()
    return prev


def _run_step(link: Link, step: Step, prev: SheetDerivation | None) -> SheetDerivation:
    record = link.record
    case_id, person_id = record.case_id, record.person_id
    try:
        with transaction.atomic():  # savepoint: a failed step leaves nothing behind
            out = step.run(link, prev)
    except (ValidationError, PermissionDenied) as exc:
        record.case_id, record.person_id = case_id, person_id
        if link.operation == "confirm":
            raise
        out = Outcome(status=DerivationStatus.FAILED, message=_message(exc),
                      label=prev.label if prev else "", url=prev.url if prev else "")
    return _save(record, step, prev, out)


def _waiting(record: SheetRecord, kind: str, fields: tuple[dict[str, Any], ...],
             prev: SheetDerivation | None) -> SheetDerivation:
    feature = WAITING_FOR[kind]
    step = Step(key=kind, kind=WAITING_KIND[kind], field=fields[0]["key"],
                run=lambda _link, _prev: Outcome())
    return _save(record, step, prev, Outcome(
        status=DerivationStatus.WAITING, label=feature,
        message=f"{feature}の機能が使えるようになると、この帳票から記録を作成します。"))


def derive(*, record: SheetRecord, actor: Actor, operation: str, only_key: str = "",
           confirm_key: str = "") -> list[SheetDerivation]:
    """Run every link handler of the record's bound kinds (see the module docstring); returns
    the rows written. ``only_key`` limits the run to one step (retry / confirm)."""
    kinds = bound_kinds(record.definition)
    covered = {c for k in kinds for h in LINKS.get(k) for c in h.covers}
    previous: dict[str, SheetDerivation] = {}
    planned: list[tuple[Link, Step | None, str, tuple[dict[str, Any], ...]]] = []
    for kind, fields in kinds.items():
        handlers = LINKS.get(kind)
        if not handlers:
            if kind in WAITING_FOR and kind not in covered and only_key in ("", kind):
                planned.append((Link(record=record, actor=actor, kind=kind, fields=fields,
                                     operation=operation), None, kind, fields))
            continue
        link = Link(record=record, actor=actor, kind=kind, fields=fields, operation=operation,
                    previous=previous, confirm_key=confirm_key)
        planned.extend((link, step, step.key, fields) for handler in handlers
                       for step in handler.steps(link) if not only_key or step.key == only_key)
    if not planned:
        return []
    if operation != "import":  # a freshly imported record has none yet
        previous.update((d.key, d) for d in SheetDerivation.objects.filter(record=record))
    written: list[SheetDerivation] = []
    for link, step, key, fields in planned:
        row = (_waiting(record, link.kind, fields, previous.get(key)) if step is None
               else _run_step(link, step, previous.get(key)))
        previous[key] = row
        written.append(row)
    return written


def has_links(definition: SheetDefinition) -> bool:
    return bool(bound_kinds(definition))


def _derivation(record: SheetRecord, pk: int) -> SheetDerivation:
    found = SheetDerivation.objects.filter(record=record, pk=pk).first()
    if found is None:
        raise ValidationError({"derivation": "この帳票から作成する記録が見つかりません。"})
    return found


def retry(*, actor: Actor, record: SheetRecord, derivation_id: int) -> SheetDerivation:
    """Run a failed (or waiting) step again, as ``actor``; the result replaces the row."""
    row = _derivation(record, derivation_id)
    if row.status not in (DerivationStatus.FAILED, DerivationStatus.WAITING):
        raise ValidationError({"derivation": "再実行できるのは作成できなかった記録だけです。"})
    with transaction.atomic():
        written = derive(record=_locked(record), actor=actor, operation="retry",
                         only_key=row.key)
    return written[0] if written else row


def confirm(*, actor: Actor, record: SheetRecord, derivation_id: int) -> SheetDerivation:
    """Confirm a pending step (its handler checks who may); a refusal is raised, the row stays."""
    row = _derivation(record, derivation_id)
    if row.status != DerivationStatus.PENDING:
        raise ValidationError({"derivation": "この記録は確認待ちではありません。"})
    with transaction.atomic():
        written = derive(record=_locked(record), actor=actor, operation="confirm",
                         only_key=row.key, confirm_key=row.key)
    return written[0] if written else row


def _locked(record: SheetRecord) -> SheetRecord:
    return SheetRecord.objects.select_for_update().select_related("definition").get(pk=record.pk)


def derived_of(record: SheetRecord) -> list[SheetDerivation]:
    return list(SheetDerivation.objects.filter(record=record).order_by("pk"))


# Kinds whose records are counted in the summary even when there is one (「支援記録 1件」).
COUNTED_KINDS = frozenset({"contact"})


def derived_summary(rows: list[SheetDerivation]) -> str:
    """「支援記録 2件、プラン第2版（案）」: the done rows grouped by label, in order."""
    counts: dict[str, int] = {}
    counted: set[str] = set()
    for row in rows:
        if row.status == DerivationStatus.DONE and row.label:
            counts[row.label] = counts.get(row.label, 0) + 1
            if row.kind in COUNTED_KINDS:
                counted.add(row.label)
    return "、".join(f"{label} {n}件" if n > 1 or label in counted else label
                    for label, n in counts.items())
