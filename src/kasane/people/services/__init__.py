"""Every write of people, by area: ``persons`` (persons, households, 閲覧制限, consents),
``matching`` (名寄せ proposals: key table, incremental and batch matching — a system process
that shows nothing to anyone) and ``match_decisions`` (同一人物 / 別人 / 保留, unmerge, batch
runs). Re-exported here as the app's write API (``matching`` is used as a module).
"""

from . import matching
from .match_decisions import (
    CANDIDATE_FIELDS,
    DECISIONS,
    LINK_FIELDS,
    STALE_HOURS,
    link_unmerge,
    match_decide,
    match_run_request,
)
from .persons import (
    KANA_FIELDS,
    MAX_SCAN_BYTES,
    PERSON_FIELDS,
    PHONE_FIELDS,
    check_scan,
    clean_kana,
    consent_record,
    consent_withdraw,
    household_create,
    household_member_add,
    person_check,
    person_create,
    person_refresh_keys,
    person_restriction_set,
    person_update,
    persons_create_many,
    persons_match_queue,
)

__all__ = [
    "matching",
    "CANDIDATE_FIELDS",
    "DECISIONS",
    "KANA_FIELDS",
    "LINK_FIELDS",
    "MAX_SCAN_BYTES",
    "PERSON_FIELDS",
    "PHONE_FIELDS",
    "STALE_HOURS",
    "check_scan",
    "clean_kana",
    "consent_record",
    "consent_withdraw",
    "household_create",
    "household_member_add",
    "link_unmerge",
    "match_decide",
    "match_run_request",
    "person_check",
    "person_create",
    "persons_create_many",
    "persons_match_queue",
    "person_refresh_keys",
    "person_restriction_set",
    "person_update",
]
