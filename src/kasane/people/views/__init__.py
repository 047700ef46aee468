"""People screens: ``persons`` (search, register, person page, edit), ``consent``, ``access``
(restriction, emergency access, disclosure report) and ``matching`` (名寄せ queue). Thin:
forms parse, services act, ``access.policy`` decides and logs."""
