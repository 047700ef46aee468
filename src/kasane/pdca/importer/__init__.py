"""Import of a whole report (every plan of a cycle, targets, Do/Check/Act, committee opinions,
new 担当課) from one Excel workbook (docs/pdca.md).

``plan_import(actor=…, municipality=…, file=…, dry_run=True)`` checks every sheet together and
then runs the very same writes as the commit inside a transaction that it rolls back, so a dry
run that passes never fails on commit. 1件でも誤りがあれば何も書き込みません。
"""

from __future__ import annotations

from typing import Any

from kasane.accounts.models import Membership, Municipality

from .parse import (
    LEVEL_COLUMNS,
    NODE_COLUMNS,
    PLAN_FIELDS,
    TARGET_COLUMNS,
    ImportResult,
    parse,
)
from .template import template_workbook
from .write import run

__all__ = ["ImportResult", "LEVEL_COLUMNS", "NODE_COLUMNS", "PLAN_FIELDS", "TARGET_COLUMNS",
           "parse", "plan_import", "template_workbook"]


def plan_import(*, actor: Membership, municipality: Municipality, file: Any,
                dry_run: bool = True) -> ImportResult:
    from .. import policy as pdca_policy

    pdca_policy.require_secretariat(actor)
    pdca_policy.same_tenant(actor, municipality.pk)
    result = parse(file, municipality=municipality)
    if result.ok:
        run(actor=actor, municipality=municipality, result=result, dry_run=dry_run)
    return result
