from django.urls import path

from .views import places, public, survey

app_name = "resources"

urlpatterns = [
    path("", places.index, name="index"),
    path("new/", places.new, name="new"),
    path("<int:place_id>/", places.detail, name="detail"),
    path("<int:place_id>/edit/", places.edit, name="edit"),
    path("<int:place_id>/verify/", places.verify, name="verify"),
    path("<int:place_id>/<str:action>/", places.status, name="status"),
    path("<int:place_id>/survey.xlsx", survey.sheet, name="survey_sheet"),
    path("survey/all.xlsx", survey.sheets_all, name="survey_all"),
    path("changes/", survey.changes, name="changes"),
    path("changes/<int:change_id>/accept/", survey.accept, name="accept"),
    path("changes/<int:change_id>/reject/", survey.reject, name="reject"),
    path("public/", public.index, name="public"),
    path("public/directory.<str:kind>", public.download, name="download"),
]
