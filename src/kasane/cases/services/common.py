"""Helpers every cases service uses: the timeline entry, project tags, a tenant's organization."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from kasane.access import policy
from kasane.accounts.models import Actor, Organization
from kasane.accounts.selectors import agencies, organizations_with_roles
from kasane.core.ids import as_id

from ..models import Case, CaseEvent, ProjectTag


def event(case: Case, actor: Actor, kind: str, text: str, **extra: Any) -> CaseEvent:
    """One timeline entry of the case, by the acting user and organization."""
    return CaseEvent.objects.create(case=case, kind=kind, text=text[:500], user=actor.user,
                                    organization=actor.organization, **extra)


def check_tags(tags: Iterable[str] | None, field: str = "tags") -> list[str]:
    values = list(dict.fromkeys(tags or []))
    unknown = [t for t in values if t not in ProjectTag.values]
    if unknown:
        raise ValidationError({field: f"不明な事業コードです: {', '.join(unknown)}"})
    return values


def tenant_org(actor: Actor, org_id: object, field: str, *, case_staff: bool = False) -> Organization:
    """An organization of the actor's tenant that the 機関 pickers offer (``accounts.selectors``:
    an agency, never a back office such as 情報政策課; with ``case_staff`` one with case staff,
    who can answer a referral or lead a case), else a field error — refused, not only hidden."""
    tenant = policy.tenant_id(actor)
    orgs = (organizations_with_roles(municipality_id=tenant) if case_staff
            else agencies(municipality_id=tenant))
    found = orgs.filter(pk=as_id(org_id)).first()
    if found is None:
        raise ValidationError({field: "相談支援の職員がいる機関から選んでください。" if case_staff
                               else "支援に関わる機関から選んでください。"})
    return found
