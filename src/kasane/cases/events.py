"""Domain events of cases (core.events): emitted by the services, ids only."""

from kasane.core.events import Event

REFERRAL_SENT = Event("cases.referral_sent", "つなぎを依頼した (referral_id, to_org_id)")
REFERRAL_ANSWERED = Event("cases.referral_answered",
                          "つなぎに回答した: 受理・辞退・提案 (referral_id, from_org_id, status)")
