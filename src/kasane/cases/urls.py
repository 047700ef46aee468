from django.urls import path

from . import views, views_records, views_sheet

app_name = "cases"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.open_case, name="open"),
    path("<int:case_id>/", views.detail, name="detail"),
    path("<int:case_id>/status/", views.status, name="status"),
    path("<int:case_id>/edit/", views.edit, name="edit"),
    path("from-sheet/<int:record_id>/", views_sheet.from_record, name="from_record"),
    path("from-sheet/<int:record_id>/bind/", views_sheet.bind, name="bind"),
    path("<int:case_id>/refer/", views_records.refer, name="refer"),
    path("referrals/<int:referral_id>/", views_records.referral, name="referral"),
    path("<int:case_id>/contacts/new/", views_records.contact_new, name="contact_new"),
    path("contacts/<int:contact_id>/edit/", views_records.contact_edit, name="contact_edit"),
    path("<int:case_id>/plans/new/", views_records.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/edit/", views_records.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/approve/", views_records.plan_approve, name="plan_approve"),
    path("plans/<int:plan_id>/monitor/", views_records.monitor, name="monitor"),
    path("involvements/<int:involvement_id>/end/", views_records.involvement_end,
         name="involvement_end"),
    path("<int:case_id>/close/", views_records.close, name="close"),
]
