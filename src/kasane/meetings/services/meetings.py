"""Every write of meetings (policy check → transaction → full_clean → write → audit row).

Gating (法106条の6 / 重層的支援会議):
* 重層的支援会議: a case goes on the agenda only when every subject person has a current
  consent naming every attending organization (other than the one that recorded the person)
  for the purpose ``multilayer_meeting``. No grants are made: the consent's own grants apply.
* 支援会議: no consent needed; each attendee who has pledged 守秘義務 gets a ``support_meeting``
  grant (org + user) per subject person until the end of the meeting's review window.
* Every attendee who pledged gets a ``view`` CaseGrant (org + user) per agenda case until the
  end of the review window (``cases.policy`` reads it; before pledging, agenda titles only);
  on a 支援会議 each attending organization gets a ``refer`` CaseGrant per agenda case (a つなぎ
  to it needs no consent, 法106条の6). Rows follow the meeting when it moves and end when
  an item is withdrawn. Decisions (in ``decisions``) flow into the case through ``cases``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kasane.access import policy
from kasane.access import services as access_services
from kasane.access.models import GrantBasis
from kasane.accounts.models import CASE_ROLES, Actor, Membership, Organization
from kasane.accounts.selectors import agencies
from kasane.areas.models import Area, AreaKind
from kasane.audit.models import Basis
from kasane.audit.services import access_log, change_record, snapshot
from kasane.cases import policy as case_policy
from kasane.cases import services as case_services
from kasane.cases.models import Case, CaseGrantPurpose, EventKind
from kasane.core.ids import as_id
from kasane.core.wareki import format_wareki
from kasane.people.models import Purpose
from kasane.people.selectors import consent_current_for

from ..models import (
    NOT_FOR_CASES,
    PLEDGE_TEXT,
    AgendaItem,
    Attendee,
    Meeting,
    MeetingBody,
    MeetingType,
    Pledge,
)
from ..policy import can_create_body, can_manage, refuse, require_handler

SOURCE = "meeting"


class ConsentMissing(ValidationError):
    """A 重層的支援会議 agenda item without the consent it needs (the API answers 409)."""


def window_end(body: MeetingBody, starts_at: dt.datetime, ends_at: dt.datetime | None) -> dt.datetime:
    return (ends_at or starts_at) + dt.timedelta(days=body.review_days)


def fiscal_year_end(at: dt.datetime) -> dt.datetime:
    """The end of the fiscal year (3/31 24:00 local time) that contains ``at``."""
    local = timezone.localtime(at)
    year = local.year + 1 if local.month >= 4 else local.year
    return timezone.make_aware(dt.datetime(year, 4, 1))


# --- Bodies and meetings ----------------------------------------------------------------------

def body_create(*, actor: Actor, name: str, type: str, organizer_id: Any = None,
                legal_basis: str = "", designated_from: str = "",
                review_days: int = 30, standing_org_ids: Iterable[Any] = (),
                standing_user_ids: Iterable[Any] = (), area_id: Any = None) -> MeetingBody:
    """Set up a body (推進員 only). A 福祉のまちづくり委員会 names its 日常生活圏域 (one active
    committee per area); other bodies may name one."""
    require_handler(actor)
    if not can_create_body(actor):
        raise refuse(actor, "body.create", "会議体を設置できるのは相談支援包括化推進員です。")
    tenant = policy.tenant_id(actor)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "会議体の名称を入力してください。"
    if type not in MeetingType.values:
        errors["type"] = "会議体の位置付けを一覧から選んでください。"
    if not isinstance(review_days, int) or not 0 <= review_days <= 365:
        errors["review_days"] = "閲覧期間は0〜365日で入力してください。"
    organizer: Organization | None = actor.organization
    if organizer_id:
        organizer = Organization.objects.filter(pk=organizer_id, municipality_id=tenant).first()
        if organizer is None:
            errors["organizer"] = "この自治体の組織を選んでください。"
    area = _area(tenant, type, area_id, errors)
    org_ids = {as_id(i) for i in standing_org_ids}
    orgs = list(agencies(municipality_id=tenant).filter(pk__in=org_ids))
    if len(orgs) != len(org_ids):  # the picker's rule, refused and not only hidden
        errors["standing_org_ids"] = "構成機関は支援に関わる機関から選んでください。"
    user_ids = {as_id(i) for i in standing_user_ids}
    users = sorted(set(Membership.objects.filter(
        user_id__in=user_ids, organization__municipality_id=tenant,
        role__in=CASE_ROLES, is_active=True).values_list("user_id", flat=True)))
    if len(users) != len(user_ids):
        errors["standing_user_ids"] = "構成員は相談支援に携わる職員から選んでください。"
    if errors:
        raise ValidationError(errors)
    body = MeetingBody(municipality_id=tenant, name=name, type=type, organizer=organizer, area=area,
                       legal_basis=(legal_basis or "").strip(),
                       designated_from=(designated_from or "").strip(), review_days=review_days)
    with transaction.atomic():
        body.full_clean()
        body.save()
        body.standing_orgs.set(orgs)
        body.standing_users.set(users)
        change_record(user=actor.user, instance=body, operation="create",
                      organization_id=actor.organization_id)
    return body


def _area(tenant: int, type: str, area_id: Any, errors: dict[str, str]) -> Area | None:
    area = None
    if area_id:
        area = Area.objects.filter(pk=as_id(area_id), municipality_id=tenant,
                                   kind=AreaKind.DAILY_LIFE_AREA).first()
        if area is None:
            errors["area"] = "この自治体の日常生活圏域を選んでください。"
    elif type == MeetingType.AREA_COMMITTEE:
        errors["area"] = "福祉のまちづくり委員会の圏域を選んでください。"
    if area is not None and type == MeetingType.AREA_COMMITTEE and MeetingBody.objects.filter(
            area=area, type=type, is_active=True).exists():
        errors["area"] = f"{area.name}の福祉のまちづくり委員会はすでに設置されています。"
    return area


def _membership_of(user_id: Any, tenant: int, org_id: Any = None) -> Membership | None:
    qs = Membership.objects.select_related("organization", "user").filter(
        user_id=user_id, organization__municipality_id=tenant, organization__is_active=True,
        role__in=CASE_ROLES, is_active=True)
    if org_id:
        qs = qs.filter(organization_id=org_id)
    return qs.order_by("id").first()


def annual_pledge(user_id: int, body: MeetingBody, at: dt.datetime | None = None) -> Pledge | None:
    now = at or timezone.now()
    return Pledge.objects.filter(user_id=user_id, body=body, meeting__isnull=True,
                                 signed_at__lte=now, valid_until__gt=now).first()


def meeting_create(*, actor: Actor, body: MeetingBody, starts_at: dt.datetime | None,
                   ends_at: dt.datetime | None = None, place: str = "",
                   online: bool = False) -> Meeting:
    """Schedule a meeting; standing members become attendees (pledged when their annual
    pledge is still valid)."""
    if not can_manage(actor, body):
        raise refuse(actor, "create", "会議を登録できるのは会議体の事務局または推進員です。")
    errors: dict[str, str] = {}
    if starts_at is None:
        errors["starts_at"] = "開始日時を入力してください。"
    elif ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = "終了日時は開始より後にしてください。"
    if not (place or "").strip() and not online:
        errors["place"] = "場所を入力するか、オンラインを選んでください。"
    if errors:
        raise ValidationError(errors)
    assert starts_at is not None
    meeting = Meeting(municipality_id=body.municipality_id, body=body, starts_at=starts_at,
                      ends_at=ends_at, place=(place or "").strip(), online=bool(online),
                      window_ends_at=window_end(body, starts_at, ends_at), created_by=actor.user)
    with transaction.atomic():
        meeting.full_clean()
        meeting.save()
        change_record(user=actor.user, instance=meeting, operation="create",
                      organization_id=actor.organization_id)
        for user_id in body.standing_users.values_list("pk", flat=True):
            member = _membership_of(user_id, body.municipality_id)
            if member is not None:
                pledge = annual_pledge(user_id, body, starts_at)
                Attendee.objects.create(meeting=meeting, user_id=user_id,
                                        organization=member.organization, is_standing=True,
                                        pledge=pledge)
        if not meeting.attendees.filter(user_id=actor.user_id).exists():  # the organizer attends
            Attendee.objects.create(meeting=meeting, user=actor.user,
                                    organization=actor.organization,
                                    pledge=annual_pledge(actor.user_id, body, starts_at))
    return meeting


def meeting_update(*, actor: Actor, meeting: Meeting, starts_at: dt.datetime,
                   ends_at: dt.datetime | None = None, place: str = "",
                   online: bool = False) -> Meeting:
    """Move a meeting; the review window (and the support_meeting grants) follow it."""
    if not can_manage(actor, meeting.body):
        raise refuse(actor, "update", "会議を変更できるのは会議体の事務局または推進員です。",
                     object_id=meeting.pk)
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": "終了日時は開始より後にしてください。"})
    with transaction.atomic():
        before = snapshot(meeting)
        meeting.starts_at, meeting.ends_at = starts_at, ends_at
        meeting.place, meeting.online = (place or "").strip(), bool(online)
        meeting.window_ends_at = window_end(meeting.body, starts_at, ends_at)
        meeting.full_clean()
        meeting.save()
        access_services.grants_move_for_source(
            actor=actor, source_type=SOURCE, source_id=meeting.pk,
            valid_until=meeting.window_ends_at, reason="会議の日時変更")
        case_services.case_grants_move(
            actor=actor, source_type=SOURCE, source_id=meeting.pk,
            valid_until=meeting.window_ends_at, reason="会議の日時変更")
        change_record(user=actor.user, instance=meeting, operation="update", before=before,
                      organization_id=actor.organization_id)
    return meeting


# --- Consent gate (重層的支援会議) ---------------------------------------------------------------

def consent_day(meeting: Meeting) -> dt.date:
    """The day a consent must be current: the meeting's day, or today for a meeting held."""
    return max(timezone.localdate(meeting.starts_at), timezone.localdate())


def missing_consents(case: Case, orgs: Iterable[Organization], day: dt.date) -> list[str]:
    """「氏名 → 機関」 for every subject person × attending organization without consent."""
    missing = []
    for subject in case.subjects.select_related("person"):
        person = subject.person
        for org in orgs:
            if person.created_by_org_id == org.pk:
                continue  # the recording organization holds the record itself
            if consent_current_for(person, org, Purpose.MULTILAYER_MEETING, day) is None:
                missing.append(f"{person.full_name} → {org.name}")
    return missing


def attending_orgs(meeting: Meeting) -> list[Organization]:
    ids = set(meeting.attendees.values_list("organization_id", flat=True))
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


# --- Attendees and pledges ----------------------------------------------------------------------

def attendee_add(*, actor: Actor, meeting: Meeting, user_id: Any,
                 organization_id: Any = None) -> Attendee:
    if not can_manage(actor, meeting.body):
        raise refuse(actor, "attendee.add", "出席者を登録できるのは会議体の事務局または推進員です。",
                     object_id=meeting.pk)
    member = _membership_of(user_id, meeting.municipality_id, organization_id)
    if member is None:
        raise ValidationError({"user": "この自治体の相談支援に携わる職員を選んでください。"})
    if meeting.attendees.filter(user_id=member.user_id).exists():
        raise ValidationError({"user": f"{member.user} はすでに出席者です。"})
    if not meeting.is_support:
        day = consent_day(meeting)
        for item in meeting.items.select_related("case"):
            missing = missing_consents(item.case, [member.organization], day)
            if missing:
                raise ValidationError({"user": f"{member.organization.name} は議題「{item.title}」の本人同意の共有先に含まれていません（重層的支援会議には本人同意が必要です）。"})
    pledge = annual_pledge(member.user_id, meeting.body, meeting.starts_at) \
        if meeting.body.standing_users.filter(pk=member.user_id).exists() else None
    attendee = Attendee(meeting=meeting, user=member.user, organization=member.organization,
                        is_standing=pledge is not None, pledge=pledge)
    with transaction.atomic():
        attendee.full_clean()
        attendee.save()
        change_record(user=actor.user, instance=attendee, operation="create",
                      organization_id=actor.organization_id)
        if pledge is not None:
            _grant_attendee(actor, meeting, attendee)
        for item in meeting.items.select_related("case"):
            _refer_without_consent(actor, meeting, item.case, attendee.organization)
    return attendee


def pledge_sign(*, actor: Actor, meeting: Meeting, annual: bool = False) -> Pledge:
    """守秘義務誓約 by the acting user for this meeting (or, for a standing member, for the
    fiscal year). Recorded before the member sees anything; 支援会議 grants follow."""
    require_handler(actor)
    attendee = meeting.attendees.filter(user_id=actor.user_id).first()
    if attendee is None:
        raise refuse(actor, "pledge", "この会議の出席者ではありません。", object_id=meeting.pk)
    if attendee.organization_id != actor.organization_id:
        raise refuse(actor, "pledge", f"出席者として登録された所属（{attendee.organization.name}）に切り替えてから誓約してください。",
                     object_id=meeting.pk)
    if attendee.pledge_id is not None:
        raise ValidationError({"pledge": "すでに誓約しています。"})
    if not meeting.window_open():
        raise ValidationError({"pledge": "この会議の閲覧期間は終了しています。"})
    standing = meeting.body.standing_users.filter(pk=actor.user_id).exists()
    if annual and not standing:
        raise ValidationError({"pledge": "年度ごとの誓約は会議体の構成員だけが行えます。"})
    now = timezone.now()
    pledge = Pledge(municipality_id=meeting.municipality_id, body=meeting.body,
                    meeting=None if annual else meeting, user=actor.user,
                    organization=actor.organization, text=PLEDGE_TEXT, signed_at=now,
                    valid_until=fiscal_year_end(now) if annual else meeting.window_ends_at)
    with transaction.atomic():
        pledge.full_clean()
        pledge.save()
        change_record(user=actor.user, instance=pledge, operation="create",
                      organization_id=actor.organization_id)
        access_log(user=actor.user, action="meeting.pledge", basis=Basis.NOT_PERSONAL,
                   organization_id=actor.organization_id, object_type="meetings.Meeting",
                   object_id=meeting.pk, detail="守秘義務誓約")
        rows = Attendee.objects.filter(pk=attendee.pk)
        if annual:  # the same pledge covers this body's other meetings of the year
            rows = Attendee.objects.filter(
                user_id=actor.user_id, organization_id=actor.organization_id,
                meeting__body=meeting.body, pledge__isnull=True,
                meeting__starts_at__lt=pledge.valid_until, meeting__window_ends_at__gt=now)
        for row in rows.select_related("meeting"):
            row.pledge = pledge
            row.save(update_fields=["pledge"])
            _grant_attendee(actor, row.meeting, row)
    return pledge


def _grant(actor: Actor, meeting: Meeting, attendee: Attendee, case: Case) -> int:
    """A pledged attendee's reach over ``case`` until the end of the review window: a ``view``
    CaseGrant (org + user) and, on a 支援会議, ``support_meeting`` grants for each subject
    person (persons the attendee's org recorded itself need none). Returns the person grants
    made."""
    if not meeting.window_open() or attendee.pledge is None:
        return 0
    basis = GrantBasis.SUPPORT_MEETING if meeting.is_support else GrantBasis.CONSENT
    case_services.case_grant_ensure(
        actor=actor, case=case, organization=attendee.organization, user=attendee.user,
        purpose=CaseGrantPurpose.VIEW, basis=basis, source_type=SOURCE, source_id=meeting.pk,
        valid_from=min(attendee.pledge.signed_at, timezone.now()),
        valid_until=meeting.window_ends_at)
    if not meeting.is_support:
        return 0  # 重層的支援会議: the consents' own grants apply
    made = 0
    for subject in case.subjects.select_related("person"):
        person = subject.person
        if person.created_by_org_id == attendee.organization_id:
            continue
        access_services.grant_ensure(
            actor=actor, person=person, basis=GrantBasis.SUPPORT_MEETING,
            organization=attendee.organization, user=attendee.user,
            valid_until=meeting.window_ends_at, source_type=SOURCE, source_id=meeting.pk)
        made += 1
    return made


def _refer_without_consent(actor: Actor, meeting: Meeting, case: Case,
                           organization: Organization) -> None:
    """On a 支援会議 an attending organization may receive a つなぎ of an agenda case without
    consent (法106条の6) while the window is open: a ``refer`` CaseGrant."""
    if meeting.is_support and meeting.window_open():
        case_services.case_grant_ensure(
            actor=actor, case=case, organization=organization, purpose=CaseGrantPurpose.REFER,
            basis=GrantBasis.SUPPORT_MEETING, source_type=SOURCE, source_id=meeting.pk,
            valid_until=meeting.window_ends_at)


def _grant_attendee(actor: Actor, meeting: Meeting, attendee: Attendee) -> int:
    return sum(_grant(actor, meeting, attendee, item.case)
               for item in meeting.items.select_related("case"))


# --- Agenda ---------------------------------------------------------------------------------------

def agenda_add(*, actor: Actor, meeting: Meeting, case_id: Any, question: str,
               title: str = "") -> AgendaItem:
    """Put a case the actor may see on the agenda (the actor's org presents it)."""
    require_handler(actor)
    if meeting.body.is_network:  # no personal data there, ever (also AgendaItem.clean, trigger)
        refuse(actor, "agenda.add", NOT_FOR_CASES, object_id=meeting.pk)
        raise ValidationError({"case_id": NOT_FOR_CASES})
    manager = can_manage(actor, meeting.body)
    if not manager and not meeting.attendees.filter(user_id=actor.user_id,
                                                    organization_id=actor.organization_id).exists():
        raise refuse(actor, "agenda.add", "議題を提出できるのは出席者、事務局または推進員です。",
                     object_id=meeting.pk)
    errors: dict[str, str] = {}
    question = (question or "").strip()
    if not question:
        errors["question"] = "会議で検討したいことを入力してください。"
    if not meeting.window_open():
        errors["case_id"] = "閲覧期間が終了した会議には議題を追加できません。"
    if errors:
        raise ValidationError(errors)
    case = case_policy.require_case(actor, case_id, action="meeting.agenda",
                               detail=f"会議#{meeting.pk}の議題に追加")
    if meeting.items.filter(case=case).exists():
        raise ValidationError({"case_id": f"ケース#{case.pk} はすでにこの会議の議題です。"})
    if not meeting.is_support:
        missing = missing_consents(case, attending_orgs(meeting), consent_day(meeting))
        if missing:
            access_log(user=actor.user, action="meeting.agenda.add", basis=Basis.DENIED,
                       organization_id=actor.organization_id, object_type="cases.Case",
                       object_id=case.pk, detail=f"本人同意なし: {'、'.join(missing)}"[:500])
            raise ConsentMissing({"case_id": "本人同意がありません（重層的支援会議での検討に、出席機関を共有先とする本人同意が必要です）: "
                                  + "、".join(missing) + "。同意がない場合は支援会議で検討してください。"})
    order = (meeting.items.aggregate(m=Max("order"))["m"] or 0) + 1
    title = (title or "").strip()[:100] or f"{actor.organization.name}からの相談（ケース#{case.pk}）"
    item = AgendaItem(meeting=meeting, case=case, order=order, title=title,
                      presenting_org=actor.organization, question=question, added_by=actor.user)
    with transaction.atomic():
        item.full_clean()
        item.save()
        change_record(user=actor.user, instance=item, operation="create",
                      organization_id=actor.organization_id)
        for attendee in meeting.attendees.select_related("user", "organization", "pledge"):
            _grant(actor, meeting, attendee, case)
        for org in attending_orgs(meeting):
            _refer_without_consent(actor, meeting, case, org)
        case_services.event(case, actor, EventKind.MEETING,
              f"{meeting.body.name}（{format_wareki(timezone.localtime(meeting.starts_at).date())}）の議題に追加",
              link=f"/meetings/{meeting.pk}/#item-{item.pk}")
    return item


def agenda_remove(*, actor: Actor, item: AgendaItem) -> None:
    meeting = item.meeting
    if not can_manage(actor, meeting.body) and item.added_by_id != actor.user_id:
        raise refuse(actor, "agenda.remove", "議題を取り下げられるのは提出者、事務局または推進員です。",
                     object_id=meeting.pk)
    if item.decisions.exists():
        raise ValidationError({"item": "決定事項のある議題は取り下げられません。"})
    person_ids = set(item.case.subjects.values_list("person_id", flat=True))
    still_on = set(AgendaItem.objects.filter(meeting=meeting).exclude(pk=item.pk)
                   .values_list("case__subjects__person_id", flat=True))
    with transaction.atomic():
        change_record(user=actor.user, instance=item, operation="delete",
                      organization_id=actor.organization_id)
        access_services.grants_end_for_source(
            actor=actor, source_type=SOURCE, source_id=meeting.pk, reason="議題の取下げ",
            person_ids=person_ids - still_on)
        case_services.case_grants_end(actor=actor, source_type=SOURCE, source_id=meeting.pk,
                                      case=item.case, reason="議題の取下げ")
        case_services.event(item.case, actor, EventKind.MEETING, f"{meeting.body.name}の議題から取下げ")
        item.delete()


# --- Minutes --------------------------------------------------------------------------------------

def minutes_write(*, actor: Actor, item: AgendaItem, text: str, reason: str = "") -> AgendaItem:
    """議事録 of one item (事務局・推進員 or the presenting org). After the minutes are approved an
    edit needs a reason, kept in the change history."""
    meeting = item.meeting
    if not (can_manage(actor, meeting.body) or (
            policy.handles_persons(actor) and actor.organization_id == item.presenting_org_id)):
        raise refuse(actor, "minutes", "議事録を書けるのは事務局、推進員または提出機関です。",
                     object_id=meeting.pk)
    reason = (reason or "").strip()
    if meeting.minutes_approved and not reason:
        refuse(actor, "minutes", f"確定済みの議事録（議題#{item.pk}）を理由なく修正", object_id=meeting.pk)
        raise ValidationError({"reason": "確定済みの議事録です。修正する理由を入力してください。"})
    with transaction.atomic():
        before = snapshot(item)
        item.minutes = (text or "").strip()
        item.full_clean()
        item.save(update_fields=["minutes"])
        change_record(user=actor.user, instance=item, operation="update", before=before,
                      organization_id=actor.organization_id, reason=reason)
    return item


def minutes_approve(*, actor: Actor, meeting: Meeting) -> Meeting:
    if not can_manage(actor, meeting.body):
        raise refuse(actor, "minutes.approve", "議事録を確定できるのは事務局または推進員です。",
                     object_id=meeting.pk)
    if meeting.minutes_approved:
        raise ValidationError({"minutes": "議事録はすでに確定しています。"})
    if not meeting.is_past():
        raise ValidationError({"minutes": "会議の終了前に議事録は確定できません。"})
    with transaction.atomic():
        before = snapshot(meeting)
        meeting.minutes_approved_at, meeting.minutes_approved_by = timezone.now(), actor.user
        meeting.save(update_fields=["minutes_approved_at", "minutes_approved_by"])
        change_record(user=actor.user, instance=meeting, operation="update", before=before,
                      organization_id=actor.organization_id, reason="議事録の確定")
    return meeting


def print_record(*, actor: Actor, meeting: Meeting, kind: str, case_person_ids: Iterable[int]) -> Any:
    """Who printed the pack or the minutes: a PrintRecord and one access-log row per person."""
    from ..models import PrintRecord

    with transaction.atomic():
        record = PrintRecord.objects.create(meeting=meeting, kind=kind, user=actor.user,
                                            organization=actor.organization)
        bases = policy.bases_for(actor, case_person_ids, action="export")
        for pid in case_person_ids:
            access_log(user=actor.user, action=f"meeting.print.{kind}",
                       basis=bases.get(pid, Basis.DENIED), organization_id=actor.organization_id,
                       object_type="meetings.Meeting", object_id=meeting.pk, person_id=pid,
                       detail=f"{record.get_kind_display()}を印刷")
    return record
