"""Reads of tenant data (organizations are not personal data, but never cross tenants) and the
role-appropriate pickers of staff and agencies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .models import CASE_ROLES, Membership, Organization, OrganizationKind, Role, User


def organizations_of_tenant(user: Any) -> QuerySet[Organization]:
    if not getattr(user, "municipality_id", None):
        return Organization.objects.none()
    return Organization.objects.filter(municipality_id=user.municipality_id, is_active=True).order_by(
        "kind", "name")


# --- pickers (docs/ui.md「選択肢」): only the staff and agencies a field is about ------------------

LIAISON_ROLES: frozenset[str] = frozenset({Role.LIAISON})


def _by_kind_and_name(orgs: QuerySet[Organization]) -> QuerySet[Organization]:
    """市区町村部署, 社協, 委託事業所, 関係機関, 民間団体 (the kinds' order), then by name."""
    kind_order = Case(*[When(kind=k, then=Value(i)) for i, k in enumerate(OrganizationKind.values)],
                      default=Value(99), output_field=IntegerField())
    return orgs.annotate(kind_order=kind_order).order_by("kind_order", "name", "pk")


def staff_with_roles(*, municipality_id: int, roles: Iterable[str] = CASE_ROLES) -> QuerySet[User]:
    """Active users of the tenant with an active membership in one of ``roles`` (case roles by
    default: never 監査, 管理者, 委員 or 事務局 alone), by display name."""
    return User.objects.filter(
        municipality_id=municipality_id, is_active=True,
        pk__in=Membership.objects.filter(is_active=True, role__in=list(roles),
                                         organization__municipality_id=municipality_id)
        .values("user_id")).order_by("display_name", "username", "pk")


def case_memberships(*, municipality_id: int) -> QuerySet[Membership]:
    """Active memberships of the tenant in a case role, with user and organization, by
    organization name then username (pickers that name a person's handlers)."""
    return (Membership.objects.filter(organization__municipality_id=municipality_id,
                                      is_active=True, role__in=CASE_ROLES)
            .select_related("user", "organization").order_by("organization__name",
                                                             "user__username"))


def agencies(*, municipality_id: int) -> QuerySet[Organization]:
    """The organizations that take part in support (支援関係機関), for 機関 pickers: every active
    organization of the tenant except a back office — one whose active members all hold roles
    that never handle support (管理者, 監査, 委員, 事務局), such as 情報政策課 or 監査・個人情報
    保護担当. An agency with no login yet (an NPO, a center) is listed; a 連絡員's facility too."""
    support = Membership.objects.filter(is_active=True, role__in=list(CASE_ROLES | LIAISON_ROLES))
    staffed = Membership.objects.filter(is_active=True)
    return _by_kind_and_name(Organization.objects.filter(
        municipality_id=municipality_id, is_active=True).filter(
        Q(pk__in=support.values("organization_id")) | ~Q(pk__in=staffed.values("organization_id"))))


def organizations_with_roles(*, municipality_id: int,
                             roles: Iterable[str] = CASE_ROLES) -> QuerySet[Organization]:
    """Active organizations of the tenant with at least one active membership in ``roles``
    (case roles by default: the agencies that take part in consultation, never e.g. 情報政策課
    or 監査・個人情報保護担当, whose members are only 管理者 or 監査), by kind and name."""
    return _by_kind_and_name(Organization.objects.filter(
        municipality_id=municipality_id, is_active=True,
        pk__in=Membership.objects.filter(is_active=True, role__in=list(roles))
        .values("organization_id")))


def staff_choices(*, municipality_id: int,
                  roles: Iterable[str] = CASE_ROLES) -> list[tuple[int, str]]:
    """(id, 「氏名（所属の機関）」) of ``staff_with_roles``, in two queries."""
    roles = list(roles)
    users = list(staff_with_roles(municipality_id=municipality_id, roles=roles))
    orgs: dict[int, list[str]] = {}
    for user_id, name in Membership.objects.filter(
            user__in=[u.pk for u in users], is_active=True, role__in=roles) \
            .order_by("organization__name").values_list("user_id", "organization__name"):
        orgs.setdefault(user_id, []).append(name)
    return [(u.pk, f"{u.display_name or u.username}（{'、'.join(dict.fromkeys(orgs.get(u.pk, [])))}）")
            for u in users]
