"""Small template helpers for sheet screens."""

from django import template

register = template.Library()


@register.filter
def dom_id(path: str) -> str:
    """The id of a field's wrapper for an answer path (``person.family_name`` → ``f-person-family_name``)."""
    return "f-" + str(path).replace(".", "-")
