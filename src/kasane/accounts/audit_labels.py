"""Labels of the audit codes accounts writes (registered in ``audit.labels`` at start-up)."""

from __future__ import annotations

from kasane.audit.labels import register

from .models import (
    ApiToken,
    LoginFailure,
    Membership,
    MembershipPeriod,
    Municipality,
    Organization,
    RoleRequest,
    Unit,
    User,
)

register(
    area="ログイン・管理",
    actions={
        "login": "ログイン", "otp": "二要素認証",
        "token_issue": "APIトークンの発行", "token_revoke": "APIトークンの失効",
        "admin_organization_save": "組織の登録・変更", "admin_unit_save": "担当課の登録・変更",
        "admin_user_save": "利用者の登録・変更", "admin_membership_add": "所属の追加",
        "admin_membership_end": "所属の終了", "admin_user_unlock": "ロックの解除",
        "platform_municipality_create": "自治体の追加",
        "admin_role_request": "役割付与の申請", "admin_role_decide": "役割付与の承認・却下",
    },
    objects={"login": "ログイン", "api_token": "APIトークン", "organization": "組織",
             "unit": "担当課", "user": "利用者", "membership": "所属",
             "municipality": "自治体", "role_request": "役割付与の申請"},
    models=[Municipality, Unit, Organization, User, Membership, MembershipPeriod, ApiToken, RoleRequest,
            LoginFailure],
)
