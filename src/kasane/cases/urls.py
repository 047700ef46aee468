from django.urls import path

from . import views, views_records

app_name = "cases"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.open_case, name="open"),
    path("<int:case_id>/", views.detail, name="detail"),
    path("<int:case_id>/status/", views.status, name="status"),
    path("<int:case_id>/refer/", views_records.refer, name="refer"),
    path("referrals/<int:referral_id>/", views_records.referral, name="referral"),
    path("<int:case_id>/contacts/new/", views_records.contact_new, name="contact_new"),
    path("contacts/<int:contact_id>/edit/", views_records.contact_edit, name="contact_edit"),
    path("<int:case_id>/plans/new/", views_records.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/edit/", views_records.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/approve/", views_records.plan_approve, name="plan_approve"),
    path("<int:case_id>/close/", views_records.close, name="close"),
]
