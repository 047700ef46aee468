"""Domain events of people (core.events): emitted by the services, ids only."""

from kasane.core.events import Event

MATCH_QUEUED = Event("people.match_queued", "名寄せ候補が新たに登録された (created)")
