from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/badge/", views.badge, name="badge"),
    path("notifications/<int:pk>/read/", views.mark_read, name="read"),
    path("notifications/read-all/", views.mark_all_read, name="read_all"),
    path("notifications/settings/", views.settings_page, name="settings"),
    path("notifications/webhooks/", views.webhooks, name="webhooks"),
    path("notifications/webhooks/<int:pk>/toggle/", views.webhook_toggle, name="webhook_toggle"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/new/", views.alert_new, name="alert_new"),
    path("alerts/banner/", views.banner, name="banner"),
    path("alerts/rota/", views.rota, name="rota"),
    path("alerts/rota/<int:pk>/remove/", views.rota_remove, name="rota_remove"),
    path("alerts/<int:pk>/", views.alert, name="alert"),
    path("alerts/<int:pk>/live/", views.alert_live, name="alert_live"),
    path("alerts/<int:pk>/ack/", views.alert_ack, name="alert_ack"),
    path("alerts/<int:pk>/take/", views.alert_take, name="alert_take"),
    path("alerts/<int:pk>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("alerts/<int:pk>/emergency/", views.alert_emergency, name="alert_emergency"),
]
