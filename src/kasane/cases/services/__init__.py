"""Every write of cases (policy check → transaction → full_clean → write → CaseEvent + audit
row), by area: ``cases`` (open, edit, status, involvements), ``referrals`` (つなぎ),
``records`` (contacts, plans, monitoring, closure), ``sheets`` (a case opened from a sheet
record) and ``grants`` (CaseGrant rows other apps make through it). This package re-exports
them: ``services.case_open(...)`` is the app's write API.
"""

from kasane.core.locking import Conflict, check_version

from .cases import (
    MANUAL_STATUSES,
    case_assessment_set,
    case_open,
    case_status_change,
    case_update,
    grant_case_involvement,
    involvement_end,
    involvement_ensure,
)
from .common import check_tags, event
from .grants import case_grant_ensure, case_grants_end, case_grants_move
from .problems import case_problems_from_record, case_problems_set
from .problems import current as problems_current
from .records import (
    CONTACT_FIELDS,
    case_close,
    contact_record,
    contact_update,
    plan_approve,
    plan_create,
    plan_monitor,
    plan_update,
)
from .referrals import (
    REFERRAL_DUE_DAYS,
    referral_accept,
    referral_create,
    referral_decline,
    referral_propose,
    referral_rerefer,
    referral_withdraw,
)
from .sheets import case_open_from_record, is_source, prefill

__all__ = [
    "CONTACT_FIELDS",    "MANUAL_STATUSES", "REFERRAL_DUE_DAYS", "Conflict", "case_assessment_set", "case_close", "case_grant_ensure",
    "case_grants_end", "case_grants_move", "case_open", "case_open_from_record", "case_problems_from_record", "case_problems_set", "problems_current",
    "case_status_change", "case_update", "check_tags", "check_version", "contact_record",
    "contact_update", "event", "grant_case_involvement", "involvement_end", "involvement_ensure",
    "is_source", "plan_approve", "plan_create", "plan_monitor", "plan_update", "prefill",
    "referral_accept", "referral_create", "referral_decline", "referral_propose",
    "referral_rerefer", "referral_withdraw",
]
