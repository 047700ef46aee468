"""Labels of the people app's records in the audit trail (its ``person.*`` actions are
written through ``access.policy`` and labelled in ``access.audit_labels``)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import (
    Consent,
    Household,
    HouseholdMember,
    MatchCandidate,
    MatchRun,
    Person,
    PersonLink,
    PersonMatchKey,
)

register(area="本人",
         models=[Person, Household, HouseholdMember, Consent, PersonMatchKey, MatchCandidate,
                 PersonLink, MatchRun])
