"""Small template helpers for sheet screens."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def dom_id(path: str) -> str:
    """The id of a field's wrapper for an answer path (``person.family_name`` → ``f-person-family_name``)."""
    return "f-" + str(path).replace(".", "-")


@register.inclusion_tag("sheets/_write_for.html", takes_context=True)
def sheet_write_form(context: dict[str, Any], person_id: int, case_id: int | None = None) -> dict[str, Any]:
    """「帳票を書く」 about a known person (the person's page, the case page): the sheets with a
    person block the acting membership may write; the draft starts with the block filled
    from the record (``views.start.write_for``)."""
    from kasane.accounts.http import membership_of

    from .. import person_prefill, selectors
    from .. import policy as sheet_policy

    actor = membership_of(context["request"])
    if actor is None or not sheet_policy.can_exchange(actor):  # case roles only
        return {"definitions": []}
    definitions = [d for d in selectors.definitions_current(
        municipality_id=actor.organization.municipality_id)
        if sheet_policy.can_write(actor, d.code) and person_prefill.person_field(d) is not None]
    return {"definitions": definitions, "person_id": person_id, "case_id": case_id or "",
            "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("sheets/_derivations.html", takes_context=True)
def sheet_derivations(context: dict[str, Any], record: Any) -> dict[str, Any]:
    """「この帳票から作成」: what the submitted record created, waits for or failed to create
    (``sheets.links``), with retry / confirm buttons; shown to whoever may see the record."""
    from kasane.sheets import links

    rows = links.derived_of(record) if record.status == "submitted" else []
    labels = {f["key"]: f["label"] for f in record.definition.fields}
    items = []
    for row in rows:
        head, _, index = row.field.partition(".")
        items.append({"row": row, "field_label": labels.get(head, "")
                      + (f" {int(index) + 1}行目" if index.isdigit() else "")})
    return {"record": record, "items": items, "summary": links.derived_summary(rows),
            "request": context.get("request"), "csrf_token": context.get("csrf_token")}
