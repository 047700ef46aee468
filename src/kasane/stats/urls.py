from django.urls import path

from . import submit_views, views

app_name = "stats"

urlpatterns = [
    path("", views.index, name="index"),
    path("metrics/<str:key>/", views.metric_detail, name="metric"),
    path("national/", views.national_report, name="national"),
    path("national/check/", views.national_check, name="national_check"),
    path("national/transition/", submit_views.national_transition, name="national_transition"),
    path("national/confirm/", submit_views.national_confirm, name="national_confirm"),
    path("national/manual/", submit_views.national_manual, name="national_manual"),
    path("national/export/", submit_views.national_export, name="national_export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("model-report/", views.model_report, name="model_report"),
    path("model-report/export/", submit_views.model_report_export, name="model_report_export"),
]
