from django.urls import path

from .views import activities, issues, maps, watch

app_name = "community"

urlpatterns = [
    path("", issues.index, name="index"),
    path("issues/", issues.issue_list, name="issues"),
    path("issues/new/", issues.issue_new, name="issue_new"),
    path("issues/<int:issue_id>/", issues.issue_detail, name="issue"),
    path("issues/<int:issue_id>/status/", issues.issue_status, name="issue_status"),
    path("issues/<int:issue_id>/actions/", issues.issue_action, name="issue_action"),
    path("activities/", activities.activity_list, name="activities"),
    path("activities/new/", activities.activity_new, name="activity_new"),
    path("hubs/", activities.hub_list, name="hubs"),
    path("hubs/<int:place_id>/", activities.hub_log, name="hub"),
    path("watch/", watch.watch_index, name="watch"),
    path("watch/report/", watch.report_new, name="report_new"),
    path("watch/reports/<int:report_id>/", watch.report_detail, name="report"),
    path("watch/reports/<int:report_id>/handled/", watch.report_handle, name="report_handle"),
    path("watch/import/", watch.report_import, name="report_import"),
    path("map/", maps.map_page, name="map"),
    path("map/boundaries/", maps.boundary_import, name="boundaries"),
]
