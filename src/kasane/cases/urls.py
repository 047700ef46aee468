from django.urls import path

from .views import cases, records, sheet

app_name = "cases"

urlpatterns = [
    path("", cases.index, name="index"),
    path("new/", cases.open_case, name="open"),
    path("<int:case_id>/", cases.detail, name="detail"),
    path("<int:case_id>/status/", cases.status, name="status"),
    path("<int:case_id>/status/back/", cases.status_back, name="status_back"),
    path("<int:case_id>/edit/", cases.edit, name="edit"),
    path("<int:case_id>/problems/", cases.problems, name="problems"),
    path("from-sheet/<int:record_id>/", sheet.from_record, name="from_record"),
    path("from-sheet/<int:record_id>/bind/", sheet.bind, name="bind"),
    path("<int:case_id>/refer/", records.refer, name="refer"),
    path("referrals/<int:referral_id>/", records.referral, name="referral"),
    path("<int:case_id>/contacts/new/", records.contact_new, name="contact_new"),
    path("contacts/<int:contact_id>/edit/", records.contact_edit, name="contact_edit"),
    path("<int:case_id>/plans/new/", records.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/edit/", records.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/approve/", records.plan_approve, name="plan_approve"),
    path("plans/<int:plan_id>/monitor/", records.monitor, name="monitor"),
    path("involvements/<int:involvement_id>/end/", records.involvement_end,
         name="involvement_end"),
    path("<int:case_id>/close/", records.close, name="close"),
]
