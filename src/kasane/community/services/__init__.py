"""Every write of 地域づくり (policy check → transaction → full_clean → write → audit row), by
area: ``issues`` (地域課題 and their actions), ``activities`` (activities, events, 拠点 logs),
``watch`` (見守り helpers, area担当者, 気づき and their import) and ``boundaries`` (GeoJSON
boundaries for the map). Re-exported here as the app's write API."""

from .activities import activity_record, area_by_code, hub_log_save
from .boundaries import boundaries_import, parse_features
from .issues import (
    area_issue_create,
    area_issue_status,
    area_issue_update,
    area_of,
    committee_of,
    issue_action_add,
)
from .watch import (
    ImportResult,
    area_contact_add,
    route_for,
    watch_report_enter,
    watch_report_handle,
    watch_reports_import,
    watcher_register,
)

__all__ = [
    "ImportResult", "activity_record", "area_by_code", "area_contact_add", "area_issue_create",
    "area_issue_status", "area_issue_update", "area_of", "boundaries_import", "committee_of",
    "hub_log_save", "issue_action_add", "parse_features", "route_for", "watch_report_enter",
    "watch_report_handle", "watch_reports_import", "watcher_register",
]
