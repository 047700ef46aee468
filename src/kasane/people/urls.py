from django.urls import path

from . import views, views_access, views_consent

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<int:person_id>/", views.detail, name="detail"),
    path("<int:person_id>/edit/", views.edit, name="edit"),
    path("<int:person_id>/consents/new/", views_consent.consent_create, name="consent_create"),
    path("consents/<int:consent_id>/withdraw/", views_consent.consent_withdraw,
         name="consent_withdraw"),
    path("consents/<int:consent_id>/file/", views_consent.consent_file, name="consent_file"),
    path("<int:person_id>/restriction/", views_access.restriction, name="restriction"),
    path("<int:person_id>/emergency/", views_access.emergency_request, name="emergency"),
    path("emergency/", views_access.emergency_queue, name="emergency_queue"),
    path("emergency/<int:review_id>/review/", views_access.emergency_review,
         name="emergency_review"),
    path("disclosures/", views_access.disclosure_lookup, name="disclosure_lookup"),
    path("<int:person_id>/disclosures/", views_access.disclosures, name="disclosures"),
]
