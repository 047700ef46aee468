"""Grants of access on a legal basis (DESIGN.md §5). Built out by "People…access"."""
