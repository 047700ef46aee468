"""A new municipality from nothing (platform operator): tenant, first organization, first logins.

``municipality_create`` is the only writer; ``./kasane create_municipality`` and the platform
operator's screen (``/accounts/platform/municipalities/new/``) call it. Passwords: taken from
the caller (command: environment variables, screen: generated) and returned once so the caller
can show them; only the hash is stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kasane.audit import services as audit
from kasane.audit.models import Basis

from .models import Membership, Municipality, Organization, OrganizationKind, Role, User
from .validators import validate_local_government_code

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)

ROLE_OF = {"admin": Role.ADMIN, "secretariat": Role.SECRETARIAT, "coordinator": Role.COORDINATOR}


def prefecture_of(code: str) -> str:
    """The prefecture named by the first two digits of a 全国地方公共団体コード ("" if invalid)."""
    if len(code) >= 2 and code[:2].isdigit() and 1 <= int(code[:2]) <= 47:
        return PREFECTURES[int(code[:2]) - 1]
    return ""


def is_platform_operator(user: User) -> bool:
    """Superusers and platform staff (``is_staff`` without a municipality) may create tenants."""
    return bool(user.is_authenticated and user.is_active and (
        user.is_superuser or (user.is_staff and user.municipality_id is None)))


def generate_password() -> str:
    """A random initial password (16 URL-safe characters) that passes the validators."""
    return secrets.token_urlsafe(12)


@dataclass
class InitialLogin:
    username: str
    role: str
    role_label: str
    password: str


@dataclass
class NewMunicipality:
    municipality: Municipality
    organization: Organization
    logins: list[InitialLogin] = field(default_factory=list)


def _check(code: str, name: str, logins: dict[str, str]) -> None:
    errors: dict[str, list[str]] = {}
    try:
        validate_local_government_code(code)
    except ValidationError as exc:
        errors["code"] = list(exc.messages)
    else:
        if Municipality.objects.filter(code=code).exists():
            errors["code"] = [f"地方公共団体コード {code} の自治体はすでに登録されています。"]
    if not name.strip():
        errors["name"] = ["自治体の名称を入力してください。"]
    if not logins.get("admin", "").strip():
        errors["admin"] = ["最初の管理者のユーザー名を入力してください。"]
    seen: set[str] = set()
    for key, username in logins.items():
        if not username:
            continue
        if username in seen:
            errors.setdefault(key, []).append(f"ユーザー名「{username}」が重複しています。")
        elif User.objects.filter(username=username).exists():
            errors.setdefault(key, []).append(f"ユーザー名「{username}」はすでに使われています。")
        seen.add(username)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def municipality_create(*, actor: User | None, code: str, name: str, prefecture: str = "",
                        admin: str, coordinator: str = "", secretariat: str = "",
                        passwords: dict[str, str] | None = None) -> NewMunicipality:
    """Create the tenant, one organization 「{name} 福祉部局」 and the first logins.

    ``actor`` None means the command line (trusted operator); otherwise a platform operator.
    ``passwords`` maps ``admin``/``coordinator``/``secretariat`` to a chosen password; missing
    ones are generated. All or nothing: any error (field-keyed ValidationError) writes nothing.
    """
    if actor is not None and not is_platform_operator(actor):
        raise PermissionDenied("自治体の追加はプラットフォームの運用者だけが行えます。")
    code, name = code.strip(), name.strip()
    logins = {"admin": admin.strip(), "secretariat": secretariat.strip(),
              "coordinator": coordinator.strip()}
    _check(code, name, logins)
    passwords = passwords or {}
    muni = Municipality(code=code, name=name, prefecture=prefecture.strip() or prefecture_of(code))
    muni.full_clean()
    muni.save()
    org = Organization.objects.create(municipality=muni, name=f"{name} 福祉部局",
                                      kind=OrganizationKind.DEPARTMENT)
    result = NewMunicipality(municipality=muni, organization=org)
    for key, username in logins.items():
        if not username:
            continue
        result.logins.append(_login(muni, org, key, username, passwords.get(key) or "", actor))
    audit.access_log(user=actor, action="platform_municipality_create",
                     basis=Basis.NOT_PERSONAL, object_type="municipality", object_id=muni.pk,
                     detail=f"{code} {name} " + " ".join(x.username for x in result.logins))
    return result


def _login(muni: Municipality, org: Organization, key: str, username: str,
           password: str, actor: User | None = None) -> InitialLogin:
    role = ROLE_OF[key]
    user = User(username=username, municipality=muni, display_name=username)
    chosen = password or generate_password()
    try:
        validate_password(chosen, user)
    except ValidationError as exc:
        raise ValidationError({key: list(exc.messages)}) from exc
    user.set_password(chosen)
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership.objects.create(user=user, organization=org, role=role)
    # the first coordinator is the one case role nobody approves: in the tenant's 変更履歴
    audit.change_record(user=actor, instance=membership, operation="create",
                        organization_id=org.pk, municipality_id=muni.pk,
                        reason="自治体の作成（最初の利用者）")
    return InitialLogin(username=username, role=role, role_label=Role(role).label,
                        password=chosen)
