from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.index, name="index"),
    path("metrics/<str:key>/", views.metric_detail, name="metric"),
    path("national/", views.national_report, name="national"),
    path("national/check/", views.national_check, name="national_check"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("model-report/", views.model_report, name="model_report"),
]
