from django.urls import path

from .views import cycle, edit, exports, imports

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
    path("public/<int:pk>/", exports.public, name="public"),
    path("plans/<int:plan_id>/", imports.plan_detail, name="plan"),
    path("plans/import/", imports.plan_import, name="import"),
    path("plans/import/template.xlsx", imports.import_template, name="import_template"),
]
