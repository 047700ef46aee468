from django.urls import path

from .views import meetings, network, pdf

app_name = "meetings"

urlpatterns = [
    path("", meetings.index, name="index"),
    path("bodies/new/", meetings.body_new, name="body_new"),
    path("bodies/<int:body_id>/", meetings.body_detail, name="body"),
    path("bodies/<int:body_id>/new/", meetings.meeting_new, name="meeting_new"),
    path("bodies/<int:body_id>/members/", network.member_add, name="member_add"),
    path("<int:meeting_id>/", meetings.detail, name="detail"),
    path("<int:meeting_id>/pledge/", meetings.pledge, name="pledge"),
    path("<int:meeting_id>/record/", network.network_record, name="network_record"),
    path("<int:meeting_id>/attendees/", meetings.attendee_add, name="attendee_add"),
    path("<int:meeting_id>/agenda/", meetings.agenda_add, name="agenda_add"),
    path("<int:meeting_id>/minutes/approve/", meetings.minutes_approve, name="minutes_approve"),
    path("<int:meeting_id>/pack.pdf", pdf.pack_pdf, name="pack_pdf"),
    path("<int:meeting_id>/minutes.pdf", pdf.minutes_pdf, name="minutes_pdf"),
    path("items/<int:item_id>/", meetings.item_detail, name="item"),
    path("items/<int:item_id>/minutes/", meetings.minutes, name="minutes"),
    path("items/<int:item_id>/decision/", meetings.decision, name="decision"),
    path("items/<int:item_id>/remove/", meetings.agenda_remove, name="agenda_remove"),
]
