"""Helpers every cases service uses: the timeline entry, project tags, a tenant's organization."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from kasane.access import policy
from kasane.accounts.models import Actor, Organization
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


def tenant_org(actor: Actor, org_id: object, field: str) -> Organization:
    """An active organization of the actor's tenant, else a field error."""
    found = Organization.objects.filter(pk=as_id(org_id), municipality_id=policy.tenant_id(actor),
                                        is_active=True).first()
    if found is None:
        raise ValidationError({field: "この自治体の有効な組織を選んでください。"})
    return found
