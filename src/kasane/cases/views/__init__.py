"""Case screens: ``cases`` (list, open, case page, status, edit), ``records`` (つなぎ,
contacts, plans, monitoring, involvement end, closure), ``sheet`` (open a case from a sheet
record). Thin: forms parse, services act, ``cases.policy`` decides and logs."""
