"""Which object kind a URL parameter names, so that one fixture per kind (``world.object_ids``)
fills every URL. ``kind_for`` is how a new entry's kind is suggested in the failure message."""

from __future__ import annotations

import re

# (route or API path regex, kind): first match wins.
KIND_RULES = [
    (r"people/matching/<int:candidate_id>|match-candidates/\{candidate_id\}", "match_candidate"),
    (r"links/<int:link_id>|person-links/\{link_id\}", "person_link"),
    (r"emergency/<int:review_id>", "emergency_review"),
    (r"consents/(<int:consent_id>|\{consent_id\})", "consent"),
    (r"participation/cases/<int:case_id>|cases/\{case_id\}/participation", "participation_case"),
    (r"(<int:person_id>|\{person_id\})", "person"),
    (r"from-sheet/<int:record_id>|sheet-records/\{record_id\}", "case_record"),
    (r"referrals/(<int:referral_id>|\{referral_id\})", "referral"),
    (r"contacts/<int:contact_id>", "contact"),
    (r"involvements/(<int:involvement_id>|\{involvement_id\})", "involvement"),
    (r"(<int:case_id>|\{case_id\})", "case"),
    (r"derived/<int:derivation_id>", "sheet_derivation"),
    (r"sheets/records/<int:pk>", "sheet_record"),
    (r"attachments/<int:pk>|sheet-attachments/\{attachment_id\}", "sheet_attachment"),
    (r"<slug:code>", "sheet_code"),
    (r"sheets/import/<int:pk>", "sheet_import"),
    (r"sheets/routing/<int:pk>", "sheet_route"),
    (r"bodies/<int:body_id>", "body"),
    (r"items/<int:item_id>", "agenda_item"),
    (r"<int:meeting_id>|\{meeting_id\}", "meeting"),
    (r"cycles/<int:pk>/plans/<int:plan_id>", "pdca_cycle_plan"),
    (r"cycles/<int:pk>/(nodes|businesses)/<int:node_id>", "pdca_cycle_node"),
    (r"pdca/(cycles|public)/<int:pk>", "pdca_cycle"),
    (r"pdca/plans/<int:plan_id>/nodes/<int:node_id>", "pdca_plan_node"),
    (r"pdca/plans/(<int:plan_id>|\{plan_id\})", "pdca_plan"),
    (r"pdca/units/<int:unit_id>", "pdca_unit"),
    (r"(cases/)?plans/(<int:plan_id>|\{plan_id\})", "plan"),
    (r"notifications/(<int:pk>|\{notification_id\})", "notification"),
    (r"webhooks/<int:pk>", "webhook"),
    (r"alerts/rota/<int:pk>", "rota"),
    (r"alerts/(<int:pk>|\{alert_id\})", "alert"),
    (r"exports/<int:pk>", "export"),
    (r"tokens/(<int:token_id>|\{token_id\})", "token"),
    (r"admin/organizations/<int:pk>", "organization"),
    (r"admin/units/<int:pk>", "unit"),
    (r"admin/users/<int:pk>", "user"),
    (r"admin/memberships/<int:pk>", "membership"),
    (r"role-requests/<int:pk>", "role_request"),
    (r"audit/changes/<int:pk>", "change"),
    (r"<str:key>|\{code\}", "metric"),
    (r"bank/<int:pk>/assignments/<int:assignment_id>", "assignment"),
    (r"bank/<int:pk>|volunteers/\{volunteer_id\}", "volunteer"),
    (r"matches/(<int:pk>|\{match_id\})", "participation_match"),
    (r"<int:issue_id>", "area_issue"),
    (r"<int:place_id>/<str:action>", "place_action"),
    (r"<int:place_id>", "hub"),
    (r"addresses/<int:row_id>", "address_row"),
    (r"changes/<int:change_id>", "place_change"),
    (r"directory\.<str:kind>", "directory_file"),
    (r"<int:report_id>", "watch_report"),
    (r"holds/<int:pk>", "hold"),
]


def kind_for(route: str) -> str:
    """The object kind a route (page route or API path) needs; ``none`` without parameters."""
    if "<" not in route and "{" not in route:
        return "none"
    for pattern, kind in KIND_RULES:
        if re.search(pattern, route):
            return kind
    return "unknown"


def fill(route: str, values: dict[str, object]) -> str:
    """The URL of ``route`` (``<conv:name>`` or ``{name}`` parameters) with ``values``."""
    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name not in values:
            raise KeyError(f"no value for URL parameter {name!r} in {route!r}")
        return str(values[name])

    path = re.sub(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", one, route)
    return path if path.startswith("/") else "/" + path
