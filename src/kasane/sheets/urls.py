from django.urls import path

from .views import attachments, definitions, derivations, io, records, routing, start

app_name = "sheets"

urlpatterns = [
    path("", records.index, name="index"),
    path("new/", records.new_choose, name="new_choose"),
    path("new/for/", start.write_for, name="write_for"),
    path("new/<slug:code>/", records.new, name="new"),
    path("new/<slug:code>/autosave/", records.new_autosave, name="new_autosave"),
    path("records/<int:pk>/", records.detail, name="detail"),
    path("records/<int:pk>/edit/", records.edit, name="edit"),
    path("records/<int:pk>/autosave/", records.autosave, name="autosave"),
    path("records/<int:pk>/pdf/", records.pdf, name="pdf"),
    path("records/<int:pk>/route/", records.route, name="route"),
    path("records/<int:pk>/discard/", records.discard, name="discard"),
    path("records/<int:pk>/derived/<int:derivation_id>/retry/", derivations.retry,
         name="derivation_retry"),
    path("records/<int:pk>/derived/<int:derivation_id>/confirm/", derivations.confirm,
         name="derivation_confirm"),
    path("attachments/<int:pk>/", attachments.attachment, name="attachment"),
    path("export/<slug:code>/", io.export, name="export"),
    path("import/", io.import_upload, name="import"),
    path("import/<int:pk>/", io.import_detail, name="import_detail"),
    path("import/<int:pk>/status/", io.import_status, name="import_status"),
    path("import/<int:pk>/commit/", io.import_commit, name="import_commit"),
    path("routing/", routing.routes, name="routes"),
    path("routing/<int:pk>/delete/", routing.route_delete, name="route_delete"),
    path("definitions/", definitions.definition_list, name="definitions"),
    path("definitions/new/", definitions.definition_new, name="definition_new"),
    path("definitions/<slug:code>/", definitions.definition_detail, name="definition_detail"),
]
