"""The case's problem categories (○/◎, ``cases.problems``): set from a 相談受付票 by the sheet
link ``case`` and on the case page 「課題の分類」. Every change writes a ChangeRecord on the case
(field ``problems``, e.g. 「◎介護、○収入・生活費のこと」) and a timeline entry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kasane.accounts.models import Actor
from kasane.audit.services import change_record

from .. import policy as case_policy
from .. import problems as vocabulary
from ..models import Case, CaseProblem, EventKind
from .common import event


def problems_text(pairs: Iterable[tuple[str, bool]]) -> str:
    """「◎介護、○収入・生活費のこと」 (◎ first, then the form's order); 「なし」 when empty."""
    order = {c: i for i, c in enumerate(vocabulary.codes())}
    items = sorted(pairs, key=lambda p: (not p[1], order.get(p[0], 99)))
    return "、".join(("◎" if main else "○") + vocabulary.label(code)
                    for code, main in items) or "なし"


def current(case: Case) -> tuple[list[str], str]:
    rows = list(CaseProblem.objects.filter(case=case).values_list("code", "is_main"))
    order = {c: i for i, c in enumerate(vocabulary.codes())}
    marked = sorted((c for c, _ in rows), key=lambda c: order.get(c, 99))
    return marked, next((c for c, main in rows if main), "")


def case_problems_set(*, actor: Actor, case: Case, marked: Iterable[Any], main: Any = "",
                      record: Any = None) -> bool:
    """Replace the case's categories. From the case page (``record`` None): a case-role member
    of an organization involved in the open case. From a sheet (``record``: a submitted record
    linked to this case, its link step running as the submitting actor): the record's answer.
    True when something changed."""
    case_policy.require_handler(actor)
    if record is None:
        case_policy.require_involved(actor, case, "課題の分類を変更できるのは、このケースに"
                                                  "関与している機関の職員です。")
        if not case.is_open:
            raise ValidationError({"marked": f"{case.get_status_display()}のケースは変更できません。"})
    elif record.case_id != case.pk:
        raise PermissionDenied("この帳票はこのケースに結び付いていません。")
    try:
        codes, main_code = vocabulary.normalize(marked, main)
    except ValueError as exc:
        raise ValidationError({"main" if "主訴" in str(exc) else "marked": str(exc)}) from None
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        before = CaseProblem.objects.filter(case=locked).values_list("code", "is_main")
        old = sorted(before)
        new = sorted((c, c == main_code) for c in codes)
        if old == new:
            return False
        CaseProblem.objects.filter(case=locked).delete()
        CaseProblem.objects.bulk_create(
            [CaseProblem(case=locked, code=c, is_main=m) for c, m in new])
        source = f"（{record.definition.title} #{record.pk} より）" if record is not None else ""
        change_record(user=actor.user, instance=locked, operation="update",
                      before={"problems": problems_text(old)},
                      after={"problems": problems_text(new)},
                      organization_id=actor.organization_id)
        event(locked, actor, EventKind.UPDATED,
              f"課題の分類を変更：{problems_text(new)}{source}")
    return True


def case_problems_from_record(*, actor: Actor, case: Case, record: Any) -> bool:
    """The sheet link's part: a 相談受付票 (``problems.SOURCE_CODES``) sets the categories of the
    case it opened (``Case.source_sheet_record_id``); another record attached to the case later
    leaves them (the case page changes them). False when nothing changed or nothing applies."""
    if record.definition.code not in vocabulary.SOURCE_CODES:
        return False
    if case.source_sheet_record_id not in (None, record.pk):
        return False
    parsed = vocabulary.from_answer(record.answers.get("problems"))
    if parsed is None:
        return False
    return case_problems_set(actor=actor, case=case, marked=parsed[0], main=parsed[1],
                             record=record)
