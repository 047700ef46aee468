"""Meeting screens: ``meetings`` (index, bodies, calendar, meeting page, pledge, attendees,
agenda, minutes, decisions), ``network`` (network meetings' record and members) and ``pdf`` (meeting pack and minutes PDFs). Thin: forms parse,
services act, ``meetings.policy`` decides and logs."""
