"""Plain forms of people: ``persons`` (search, register, edit, consent, access) and ``matching``
(名寄せ queue and decisions)."""
