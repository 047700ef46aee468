from django.urls import path

from . import admin_views, oidc, platform_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("oidc/authenticate/", oidc.authenticate_view, name="oidc_authenticate"),
    path("oidc/callback/", oidc.callback_view, name="oidc_callback"),
    path("otp/", views.otp_view, name="otp"),
    path("password/", views.password_change, name="password_change"),
    path("switch/", views.switch_membership, name="switch"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("admin/", admin_views.index, name="admin"),
    path("admin/organizations/new/", admin_views.organization_edit, name="admin_org_new"),
    path("admin/organizations/<int:pk>/", admin_views.organization_edit, name="admin_org"),
    path("admin/units/new/", admin_views.unit_edit, name="admin_unit_new"),
    path("admin/units/<int:pk>/", admin_views.unit_edit, name="admin_unit"),
    path("admin/users/new/", admin_views.user_edit, name="admin_user_new"),
    path("admin/users/<int:pk>/", admin_views.user_edit, name="admin_user"),
    path("admin/users/<int:pk>/memberships/", admin_views.membership_add, name="admin_membership_add"),
    path("admin/users/<int:pk>/unlock/", admin_views.user_unlock, name="admin_user_unlock"),
    path("admin/memberships/<int:pk>/end/", admin_views.membership_end, name="admin_membership_end"),
    path("platform/municipalities/new/", platform_views.municipality_new,
         name="platform_municipality_new"),
    path("role-requests/", admin_views.role_requests, name="role_requests"),
    path("role-requests/<int:pk>/decide/", admin_views.role_request_decide, name="role_request_decide"),
]
