from django.urls import path

from .views import cycle, edit, exports, imports, setup

app_name = "pdca"

urlpatterns = [
    path("", cycle.index, name="index"),
    path("cycles/<int:pk>/", cycle.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/transition/", cycle.transition, name="transition"),
    path("cycles/<int:pk>/plans/<int:plan_id>/", cycle.sheet, name="sheet"),
    path("cycles/<int:pk>/businesses/<int:node_id>/", edit.business_edit, name="business"),
    path("cycles/<int:pk>/nodes/<int:node_id>/grade/", edit.grade_edit, name="grade"),
    path("cycles/<int:pk>/nodes/<int:node_id>/opinion/", edit.opinion_add, name="opinion"),
    path("cycles/<int:pk>/report.pdf", exports.report_pdf, name="report_pdf"),
    path("cycles/<int:pk>/report.xlsx", exports.report_xlsx, name="report_xlsx"),
    path("cycles/<int:pk>/export/", exports.report_export, name="report_export"),
    path("public/<int:pk>/", exports.public, name="public"),
    path("plans/<int:plan_id>/", imports.plan_detail, name="plan"),
    path("plans/import/", imports.plan_import, name="import"),
    path("plans/import/template.xlsx", imports.import_template, name="import_template"),
    path("cycles/new/", setup.cycle_new, name="cycle_new"),
    path("plans/<int:plan_id>/nodes/new/", setup.node_edit, name="node_new"),
    path("plans/<int:plan_id>/nodes/<int:node_id>/", setup.node_edit, name="node_edit"),
    path("plans/<int:plan_id>/nodes/<int:node_id>/move/", setup.node_move, name="node_move"),
    path("plans/<int:plan_id>/layout/", setup.plan_layout, name="plan_layout"),
    path("plans/<int:plan_id>/nodes/<int:node_id>/targets/", setup.targets, name="targets"),
    path("cycles/<int:pk>/texts/", setup.cycle_texts, name="cycle_texts"),
    path("units/", setup.units, name="units"),
    path("units/<int:unit_id>/", setup.units, name="unit_edit"),
]
