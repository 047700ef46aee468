"""Django-free helpers shared by every Kasane app: Japanese text keys and 和暦 dates."""
