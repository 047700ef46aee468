from django.urls import path

from . import views, views_access, views_consent, views_matching

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
    # 名寄せ (identity matching)
    path("matching/", views_matching.queue, name="match_queue"),
    path("matching/run/", views_matching.run, name="match_run"),
    path("matching/runs/", views_matching.run_status, name="match_run_status"),
    path("matching/<int:candidate_id>/", views_matching.review, name="match_review"),
    path("links/<int:link_id>/unmerge/", views_matching.unmerge, name="link_unmerge"),
    path("<int:person_id>/identity/", views_matching.identity, name="identity"),
]
