"""Top-level URL map. Each app owns its own ``urls.py``; the API lives under /api/v1/."""

from django.conf import settings
from django.urls import include, path

from kasane.api import api
from kasane.web import views as web_views

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("favicon.ico", web_views.favicon, name="favicon"),
    path("api/v1/", api.urls),
    path("accounts/", include("kasane.accounts.urls")),
    path("audit/", include("kasane.audit.urls")),
    path("exports/", include("kasane.exports.urls")),
    path("people/", include("kasane.people.urls")),
    path("sheets/", include("kasane.sheets.urls")),
    path("cases/", include("kasane.cases.urls")),
    path("meetings/", include("kasane.meetings.urls")),
    path("participation/", include("kasane.participation.urls")),
    path("community/", include("kasane.community.urls")),
    path("stats/", include("kasane.stats.urls")),
    path("pdca/", include("kasane.pdca.urls")),
    path("retention/", include("kasane.retention.urls")),
    path("areas/", include("kasane.areas.urls")),
    path("resources/", include("kasane.resources.urls")),
    path("", include("kasane.notify.urls")),
    path("", include("kasane.web.urls")),
]

if settings.KASANE_BENCH_VIEWS:  # ./kasane bench web: the bare baseline view and the floor
    urlpatterns[:0] = [
        path("bench/bare", web_views.bench_bare, name="bench_bare"),
        path("bench/signed-in", web_views.bench_signed_in, name="bench_signed_in"),
    ]

handler400 = "kasane.web.views.bad_request"
handler403 = "kasane.web.views.permission_denied"
handler404 = "kasane.web.views.page_not_found"
handler500 = "kasane.web.views.server_error"
