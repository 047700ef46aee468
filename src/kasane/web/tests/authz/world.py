"""The world the authorization matrix runs in: the demo city (every role, the DV-restricted
person 佐藤美咲, cases, sheets, meetings, PDCA, alerts) plus another municipality with its own
coordinator and admin. Built once per test module (see conftest.py) and rolled back after.

Actors (``ACTORS``) and what each cell stands for:

* ``kodomo`` — caseworker of 子ども家庭支援センター, the organization that **recorded** the
  restricted person and the user **named** on the restriction (own organization).
* ``suishin`` — coordinator of 福祉相談課: a **consent basis** on the restricted person (masked),
  involved in the demo's first case (legal basis present, other organization).
* ``csw``, ``houkatsu1``, ``shougai`` — caseworkers of other organizations (no basis on the
  restricted person: legal basis absent).
* ``renrakuin`` (liaison), ``jimukyoku`` (secretariat), ``iin`` (committee), ``kansa``
  (auditor), ``admin`` — roles that never receive person content.
* ``x_coord``, ``x_admin`` — coordinator and admin of **another tenant**.
* ``anon`` — nobody signed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACTORS = ("kodomo", "suishin", "csw", "houkatsu1", "shougai", "renrakuin", "jimukyoku", "iin",
          "kansa", "admin", "x_coord", "x_admin", "anon")
CASE_ROLES = ("kodomo", "suishin", "csw", "houkatsu1", "shougai")
IN_TENANT = ACTORS[:10]
FOREIGN = ("x_coord", "x_admin")
ABSENT = 987654321  # an id no row has: the URL of a kind the world has no object for


KINDS = ("none", "person", "consent", "emergency_review", "match_candidate", "person_link",
         "case", "case_record", "referral", "contact", "plan", "involvement", "sheet_record",
         "sheet_derivation", "sheet_code", "sheet_attachment", "sheet_import", "sheet_route",
         "body", "meeting", "agenda_item", "pdca_cycle", "pdca_cycle_plan", "pdca_cycle_node",
         "pdca_plan", "pdca_plan_node", "pdca_unit", "notification", "webhook", "alert", "rota",
         "export", "token", "organization", "unit", "user", "membership", "role_request",
         "change", "metric", "participation_case", "participation_match", "volunteer",
         "assignment", "area_issue", "hub", "place_action", "watch_report", "hold",
         "address_row", "place_change", "directory_file")


@dataclass
class World:
    """Users by actor key, the object ids per kind and the restricted person's secrets."""

    users: dict[str, Any]
    ids: dict[str, dict[str, Any]]
    secrets: list[str]
    restricted_id: int
    named_user_ids: set[int] = field(default_factory=set)


def _first(cls: Any, **filters: Any) -> int:
    row = cls.objects.filter(**filters).order_by("pk").first()
    return row.pk if row is not None else ABSENT


def _record_of(cls: Any) -> int:
    row = cls.objects.order_by("pk").first()
    return row.record_id if row is not None else ABSENT


def _foreign_tenant() -> dict[str, Any]:
    from kasane.accounts.models import (
        Membership,
        Municipality,
        Organization,
        OrganizationKind,
        Role,
        User,
    )

    muni = Municipality.objects.create(code="131016", name="千代田区", prefecture="東京都")
    org = Organization.objects.create(municipality=muni, name="他区 福祉課",
                                      kind=OrganizationKind.DEPARTMENT)
    users = {}
    for key, role in (("x_coord", Role.COORDINATOR), ("x_admin", Role.ADMIN)):
        user = User.objects.create_user(username=key, password=None, municipality=muni,
                                        display_name=key)
        Membership.objects.create(user=user, organization=org, role=role)
        users[key] = user
    return users


def _secrets(person: Any) -> list[str]:
    """What must never appear in a 200 body for a user not named on the restriction. Not the
    postal code: the demo gives every household of 港町 the same one, so it proves nothing."""
    values = [person.address, person.phone, person.phone_mobile, person.restriction_note]
    return [v for v in values if v]


def build() -> World:
    """Load the demo, add the other tenant and name one object per kind."""
    from kasane.accounts.models import User
    from kasane.people.models import Person
    from kasane.web.demo import load_demo

    data = load_demo()
    users = {key: User.objects.get(username=key) for key in IN_TENANT}
    users.update(_foreign_tenant())
    restricted = Person.objects.exclude(restriction="").get(family_name="佐藤", given_name="美咲")
    named = set(restricted.restriction_users.values_list("pk", flat=True))
    ids = object_ids(data, restricted)
    for kind, values in _extras(users, restricted).items():
        ids[kind].update(values)
    return World(users=users, ids=ids, secrets=_secrets(restricted),
                 restricted_id=restricted.pk, named_user_ids=named)


def _extras(users: dict[str, Any], restricted: Any) -> dict[str, dict[str, Any]]:
    """Objects of the apps the demo does not fill yet, made through their services:
    a 地域課題 and a 気づき (by 推進員), a 居場所, a volunteer (子ども家庭支援センター), a legal
    hold on the restricted person (事務局), an API token (kodomo) and a pending role request
    (管理者 asks a caseworker role for the 連絡員)."""
    from django.utils import timezone

    from kasane.accounts import services as accounts_services
    from kasane.accounts.models import ApiToken, Membership
    from kasane.areas.models import Area, AreaKind
    from kasane.community.services import issues, watch
    from kasane.participation.services import bank
    from kasane.resources.models import Place, Provider
    from kasane.retention import services as retention

    def act(key: str) -> Membership:
        return Membership.objects.select_related("organization", "user").filter(
            user=users[key]).first()

    muni = restricted.municipality_id
    area, _ = Area.objects.get_or_create(municipality_id=muni, kind=AreaKind.DAILY_LIFE_AREA,
                                         code="91", defaults={"name": "マトリクス圏域"})
    issue = issues.area_issue_create(actor=act("suishin"), area=area, title="空き家の増加")
    report = watch.watch_report_enter(actor=act("suishin"), area=area,
                                      received_on=timezone.localdate(), summary="新聞がたまっている")
    provider = Provider.objects.create(municipality_id=muni, name="マトリクス運営団体")
    place = Place.objects.create(municipality_id=muni, provider=provider, name="マトリクスの居場所",
                                 kind="ibasho", capacity=5)
    volunteer = bank.volunteer_save(actor=act("kodomo"), data={"name": "ボランティア 一"})
    hold = retention.legal_hold_set(actor=act("jimukyoku"), reason="訴訟のため保存",
                                    person_id=restricted.pk)
    accounts_services.api_token_issue(user=users["kodomo"], membership=act("kodomo"))
    token = ApiToken.objects.filter(user=users["kodomo"]).order_by("pk").first()
    liaison = act("renrakuin")
    request = accounts_services.membership_add(actor=users["admin"], user=users["renrakuin"],
                                               organization=liaison.organization,
                                               role="caseworker")
    return {"role_request": {"pk": request.pk},"area_issue": {"issue_id": issue.pk}, "watch_report": {"report_id": report.pk},
            "hub": {"place_id": place.pk}, "place_action": {"place_id": place.pk, "action": "publish"},
            "volunteer": {"pk": volunteer.pk,
                                                          "volunteer_id": volunteer.pk},
            "hold": {"pk": hold.pk}, "token": {"token_id": token.pk if token else ABSENT}}


def _metric() -> str:
    from kasane.core.metrics import all_metrics

    return all_metrics()[0].key


class _Models:
    """``m.Case`` → the model of that name (labels below), without importing every app."""

    LABELS = {"Case": "cases.Case", "SupportPlan": "cases.SupportPlan",
              "Referral": "cases.Referral", "Contact": "cases.Contact",
              "Involvement": "cases.Involvement", "Meeting": "meetings.Meeting",
              "MeetingBody": "meetings.MeetingBody", "AgendaItem": "meetings.AgendaItem",
              "PdcaCycle": "pdca.PdcaCycle", "PdcaPlan": "pdca.Plan", "PlanNode": "pdca.PlanNode",
              "SheetRecord": "sheets.SheetRecord", "SheetDerivation": "sheets.SheetDerivation",
              "SheetDefinition": "sheets.SheetDefinition",
              "SheetAttachment": "sheets.SheetAttachment", "Consent": "people.Consent",
              "EmergencyReview": "access.EmergencyReview",
              "MatchCandidate": "people.MatchCandidate", "PersonLink": "people.PersonLink",
              "Notification": "notify.Notification", "Alert": "notify.Alert",
              "RotaShift": "notify.RotaShift", "Unit": "accounts.Unit",
              "Membership": "accounts.Membership", "ChangeRecord": "audit.ChangeRecord",
              "AddressArea": "areas.AddressArea"}

    def __getattr__(self, name: str) -> Any:
        from django.apps import apps

        return apps.get_model(self.LABELS[name])


def object_ids(data: dict[str, Any], restricted: Any) -> dict[str, dict[str, Any]]:
    """URL keyword arguments per object kind (one object per kind, reused by every entry)."""
    m = _Models()
    kodomo_org = restricted.created_by_org_id
    plan = _first(m.SupportPlan)
    case = m.SupportPlan.objects.get(pk=plan).case_id  # 推進員's 8050 case, CSW involved
    meeting = _first(m.Meeting, items__isnull=False)
    cycle = _first(m.PdcaCycle)
    pdca_plan = _first(m.PdcaPlan)
    record = _first(m.SheetRecord)
    return {
        "none": {},
        "person": {"person_id": restricted.pk},
        "consent": {"consent_id": _first(m.Consent, person_id=restricted.pk)},
        "emergency_review": {"review_id": _first(m.EmergencyReview)},
        "match_candidate": {"candidate_id": _first(m.MatchCandidate)},
        "person_link": {"link_id": _first(m.PersonLink)},
        "case": {"case_id": case},
        "case_record": {"record_id": record},
        "referral": {"referral_id": _first(m.Referral, case_id=case)},
        "contact": {"contact_id": _first(m.Contact, case_id=case)},
        "plan": {"plan_id": plan},
        "involvement": {"involvement_id": _first(m.Involvement, case_id=case)},
        "sheet_record": {"pk": record, "record_id": record},
        # the derivation's own record (``pk`` of records/<pk>/derived/<derivation_id>/)
        "sheet_derivation": {"pk": _record_of(m.SheetDerivation),
                             "derivation_id": _first(m.SheetDerivation)},
        "sheet_code": {"code": m.SheetDefinition.objects.order_by("pk").first().code},
        "sheet_attachment": {"pk": _first(m.SheetAttachment),
                             "attachment_id": _first(m.SheetAttachment)},
        "sheet_import": {"pk": ABSENT},
        "sheet_route": {"pk": ABSENT},
        "body": {"body_id": _first(m.MeetingBody)},
        "meeting": {"meeting_id": meeting},
        "agenda_item": {"item_id": _first(m.AgendaItem, meeting_id=meeting)},
        "pdca_cycle": {"pk": cycle},
        "pdca_cycle_plan": {"pk": cycle, "plan_id": pdca_plan},
        "pdca_cycle_node": {"pk": cycle, "node_id": _first(m.PlanNode, plan_id=pdca_plan)},
        "pdca_plan": {"plan_id": pdca_plan},
        "pdca_plan_node": {"plan_id": pdca_plan, "node_id": _first(m.PlanNode, plan_id=pdca_plan)},
        "pdca_unit": {"unit_id": _first(m.Unit)},
        "notification": {"pk": _first(m.Notification), "notification_id": _first(m.Notification)},
        "webhook": {"pk": ABSENT},
        "alert": {"pk": _first(m.Alert), "alert_id": _first(m.Alert)},
        "rota": {"pk": _first(m.RotaShift)},
        "export": {"pk": ABSENT},
        "token": {"token_id": ABSENT},
        "organization": {"pk": kodomo_org},
        "unit": {"pk": _first(m.Unit)},
        "user": {"pk": data["users"]["kodomo"].pk},
        "membership": {"pk": _first(m.Membership, user__username="kodomo")},
        "role_request": {"pk": ABSENT},
        "change": {"pk": _first(m.ChangeRecord, model="people.Person", object_id=str(restricted.pk))},
        "metric": {"key": _metric(), "code": _metric()},
        "participation_case": {"case_id": case},
        "participation_match": {"pk": ABSENT, "match_id": ABSENT},
        "volunteer": {"pk": ABSENT, "volunteer_id": ABSENT},
        "assignment": {"pk": ABSENT, "assignment_id": ABSENT},
        "area_issue": {"issue_id": ABSENT},
        "hub": {"place_id": ABSENT},
        "place_action": {"place_id": ABSENT, "action": "publish"},
        "address_row": {"row_id": _first(m.AddressArea)},
        "place_change": {"change_id": ABSENT},
        "directory_file": {"kind": "csv"},
        "watch_report": {"report_id": ABSENT},
        "hold": {"pk": ABSENT},
    }
