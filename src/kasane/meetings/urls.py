from django.urls import path

from . import views, views_pdf

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("bodies/new/", views.body_new, name="body_new"),
    path("bodies/<int:body_id>/", views.body_detail, name="body"),
    path("bodies/<int:body_id>/new/", views.meeting_new, name="meeting_new"),
    path("<int:meeting_id>/", views.detail, name="detail"),
    path("<int:meeting_id>/pledge/", views.pledge, name="pledge"),
    path("<int:meeting_id>/attendees/", views.attendee_add, name="attendee_add"),
    path("<int:meeting_id>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:meeting_id>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("<int:meeting_id>/pack.pdf", views_pdf.pack_pdf, name="pack_pdf"),
    path("<int:meeting_id>/minutes.pdf", views_pdf.minutes_pdf, name="minutes_pdf"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/minutes/", views.minutes, name="minutes"),
    path("items/<int:item_id>/decision/", views.decision, name="decision"),
    path("items/<int:item_id>/remove/", views.agenda_remove, name="agenda_remove"),
]
