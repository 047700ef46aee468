from django.urls import path

from . import views

app_name = "areas"

urlpatterns = [
    path("", views.index, name="index"),
    path("addresses/", views.addresses, name="addresses"),
    path("addresses/<int:row_id>/delete/", views.address_delete, name="address_delete"),
    path("uncovered/", views.uncovered, name="uncovered"),
]
