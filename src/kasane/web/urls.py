from django.urls import path

from . import events, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("events/stream", events.stream, name="events_stream"),
]
