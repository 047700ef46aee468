from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.search, name="search"),
    path("changes/", views.changes, name="changes"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
]
