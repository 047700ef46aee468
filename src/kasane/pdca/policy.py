"""pdca.policy: who may read and write PDCA data at which workflow stage (spec/reporting.md A.6).

- 事務局 (secretariat): edits everything until 公表; from 委員会② on every change needs a
  reason; after 公表 a change needs a reason and becomes a new edition (正誤).
- 担当課 user: an active membership (caseworker/promoter/coordinator/supporter/secretariat)
  whose organization has a Unit; edits only businesses of that Unit, only in 自己評価 / 修正.
- 委員 (committee): reads; writes opinions only in 委員会① / 委員会②.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError

from kasane.accounts.models import Actor, Role

from .models import CycleState, PdcaCycle, PlanNode

S = CycleState
READ_ROLES = frozenset({Role.SECRETARIAT, Role.COMMITTEE, Role.COORDINATOR, Role.PROMOTER,
                        Role.CASEWORKER, Role.SUPPORTER})
UNIT_ROLES = frozenset({Role.CASEWORKER, Role.PROMOTER, Role.COORDINATOR, Role.SUPPORTER,
                        Role.SECRETARIAT})
UNIT_STATES = frozenset({S.SELF_EVAL, S.REVISING})
OPINION_STATES = frozenset({S.COMMITTEE_1, S.COMMITTEE_2})
OVERRIDE_STATES = frozenset({S.SECRETARIAT_REVIEW, S.COMMITTEE_1, S.REVISING, S.COMMITTEE_2})
TARGET_STATES = frozenset({S.PREPARING, S.SELF_EVAL, S.SECRETARIAT_REVIEW, S.REVISING})
REASON_STATES = frozenset({S.COMMITTEE_2, S.COUNCIL_1, S.COUNCIL_2, S.PUBLISHED})


def _active(membership: Actor | None) -> Actor:
    if membership is None or not membership.is_active:
        raise PermissionDenied("所属が選択されていません。")
    return membership


def can_read(membership: Actor | None) -> bool:
    return membership is not None and membership.is_active and membership.role in READ_ROLES


def require_read(membership: Actor | None) -> Actor:
    if membership is None or not can_read(membership):
        raise PermissionDenied("PDCA進捗管理を閲覧する権限がありません。")
    return membership


def is_secretariat(membership: Actor | None) -> bool:
    return membership is not None and membership.is_active and \
        membership.role == Role.SECRETARIAT


def require_secretariat(membership: Actor | None) -> Actor:
    if membership is None or not is_secretariat(membership):
        raise PermissionDenied("この操作は事務局だけが行えます。")
    return membership


def unit_id_of(membership: Actor | None) -> int | None:
    if membership is None or not membership.is_active or membership.role not in UNIT_ROLES:
        return None
    return membership.organization.unit_id


def same_tenant(membership: Actor, municipality_id: int) -> None:
    if membership.organization.municipality_id != municipality_id:
        raise PermissionDenied("他の自治体のデータは扱えません。")


def require_reason(cycle: PdcaCycle, reason: str) -> None:
    if cycle.state in REASON_STATES and not reason.strip():
        if cycle.state == S.PUBLISHED:
            raise ValidationError({"reason": "公表後の訂正には理由（正誤の内容）を入力してください。"})
        raise ValidationError({"reason": "委員会②での確定以降の変更には理由を入力してください。"})


def check_edit_business(membership: Actor | None, node: PlanNode, cycle: PdcaCycle,
                        *, reason: str = "") -> None:
    """Refuse (PermissionDenied / ValidationError) unless ``membership`` may change the Do/Act
    and target results of ``node`` in ``cycle``."""
    m = _active(membership)
    same_tenant(m, node.plan.municipality_id)
    if m.role == Role.SECRETARIAT:
        require_reason(cycle, reason)
        return
    unit_id = unit_id_of(m)
    if unit_id is None:
        raise PermissionDenied("担当課に属する職員と事務局だけが入力できます。")
    if cycle.state not in UNIT_STATES:
        raise PermissionDenied(
            f"いまは「{cycle.get_state_display()}」の段階のため、担当課は編集できません。"
            "（担当課の入力は「担当課自己評価」と「修正」の段階です）")
    units = list(node.source.units.all())
    if unit_id not in {u.pk for u in units}:
        names = "・".join(u.name for u in sorted(units, key=lambda u: u.order)) or "未設定"
        raise PermissionDenied(f"この事業の担当課は{names}です。自分の担当課の事業だけ編集できます。")


def may_edit_business(membership: Actor | None, node: PlanNode, cycle: PdcaCycle) -> bool:
    try:
        check_edit_business(membership, node, cycle, reason="(確認)")
    except (PermissionDenied, ValidationError):
        return False
    return True


def check_targets(membership: Actor | None, cycle: PdcaCycle, *, reason: str = "") -> None:
    m = require_secretariat(membership)
    same_tenant(m, cycle.municipality_id)
    if cycle.state not in TARGET_STATES and cycle.state not in REASON_STATES:
        raise PermissionDenied(f"「{cycle.get_state_display()}」の段階では年次目標を変更できません。")
    require_reason(cycle, reason)


def check_override(membership: Actor | None, cycle: PdcaCycle) -> None:
    m = require_secretariat(membership)
    same_tenant(m, cycle.municipality_id)
    if cycle.state not in OVERRIDE_STATES:
        raise PermissionDenied(
            "評価の変更は「事務局確認」から「委員会②」までの段階だけです。"
            f"（いまは「{cycle.get_state_display()}」）")


def check_opinion(membership: Actor | None, cycle: PdcaCycle) -> None:
    m = _active(membership)
    same_tenant(m, cycle.municipality_id)
    if m.role not in (Role.COMMITTEE, Role.SECRETARIAT):
        raise PermissionDenied("委員会からの意見は委員と事務局（記録）だけが入力できます。")
    if cycle.state not in OPINION_STATES:
        raise PermissionDenied(
            f"意見の入力は委員会①・委員会②の段階だけです。（いまは「{cycle.get_state_display()}」）")


def _allowed(check: Callable[[Actor | None, PdcaCycle], None], membership: Actor | None,
             cycle: PdcaCycle) -> bool:
    try:
        check(membership, cycle)
    except (PermissionDenied, ValidationError):
        return False
    return True


def can_override(membership: Actor | None, cycle: PdcaCycle) -> bool:
    return _allowed(check_override, membership, cycle)


def can_opine(membership: Actor | None, cycle: PdcaCycle) -> bool:
    return _allowed(check_opinion, membership, cycle)
