"""Reads of tenant data (organizations are not personal data, but never cross tenants)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Organization


def organizations_of_tenant(user: Any) -> QuerySet[Organization]:
    if not getattr(user, "municipality_id", None):
        return Organization.objects.none()
    return Organization.objects.filter(municipality_id=user.municipality_id, is_active=True).order_by(
        "kind", "name")
