from django.urls import path

from .views import bank, matches

app_name = "participation"

urlpatterns = [
    path("", matches.index, name="index"),
    path("cases/<int:case_id>/wish/", matches.wish, name="wish"),
    path("cases/<int:case_id>/suggest/", matches.suggest, name="suggest"),
    path("matches/<int:pk>/", matches.match, name="match"),
    path("matches/<int:pk>/answer/", matches.answer, name="answer"),
    path("matches/<int:pk>/trial/", matches.trial, name="trial"),
    path("matches/<int:pk>/start/", matches.start, name="start"),
    path("matches/<int:pk>/end/", matches.end, name="end"),
    path("matches/<int:pk>/follow-up/", matches.follow_up, name="follow_up"),
    path("matches/<int:pk>/withdraw/", matches.withdraw, name="withdraw"),
    path("bank/", bank.volunteers, name="volunteers"),
    path("bank/new/", bank.volunteer_new, name="volunteer_new"),
    path("bank/<int:pk>/", bank.volunteer, name="volunteer"),
    path("bank/<int:pk>/note/", bank.volunteer_note, name="volunteer_note"),
    path("bank/<int:pk>/hours/", bank.volunteer_hours, name="volunteer_hours"),
    path("bank/<int:pk>/assign/", bank.volunteer_assign, name="volunteer_assign"),
    path("bank/<int:pk>/assignments/<int:assignment_id>/", bank.assignment_status,
         name="assignment_status"),
    path("bank/requests/", bank.help_requests, name="help_requests"),
]
