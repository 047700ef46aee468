from django.urls import path

from .views import access, consent, matching, persons

app_name = "people"

urlpatterns = [
    path("", persons.search, name="search"),
    path("new/", persons.create, name="create"),
    path("<int:person_id>/", persons.detail, name="detail"),
    path("<int:person_id>/edit/", persons.edit, name="edit"),
    path("<int:person_id>/consents/new/", consent.consent_create, name="consent_create"),
    path("consents/<int:consent_id>/withdraw/", consent.consent_withdraw,
         name="consent_withdraw"),
    path("consents/<int:consent_id>/file/", consent.consent_file, name="consent_file"),
    path("<int:person_id>/restriction/", access.restriction, name="restriction"),
    path("<int:person_id>/emergency/", access.emergency_request, name="emergency"),
    path("emergency/", access.emergency_queue, name="emergency_queue"),
    path("emergency/<int:review_id>/review/", access.emergency_review,
         name="emergency_review"),
    path("disclosures/", access.disclosure_lookup, name="disclosure_lookup"),
    path("<int:person_id>/disclosures/", access.disclosures, name="disclosures"),
    # 名寄せ (identity matching)
    path("matching/", matching.queue, name="match_queue"),
    path("matching/run/", matching.run, name="match_run"),
    path("matching/runs/", matching.run_status, name="match_run_status"),
    path("matching/<int:candidate_id>/", matching.review, name="match_review"),
    path("links/<int:link_id>/unmerge/", matching.unmerge, name="link_unmerge"),
    path("<int:person_id>/identity/", matching.identity, name="identity"),
]
