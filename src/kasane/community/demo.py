"""Demo 地域づくり of 重ね市 (after the areas and resources demos): a 福祉のまちづくり委員会 per
日常生活圏域 with members and meetings (two held, one coming), a 推進会議 and a 庁内連携会議,
地域課題 in every 圏域 and in each status (one raised on the 地域課題シート), a year of
activities and events, a 拠点's daily logs, 見守り helpers, the area担当者 and their 気づき.
Everything goes through the services; idempotent (skipped when the tenant has 地域課題)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kasane.accounts.models import Membership
from kasane.areas.models import Area, AreaKind
from kasane.meetings import services as meeting_services
from kasane.meetings.models import Meeting, MeetingBody, MeetingType
from kasane.resources.models import Place, PlaceStatus
from kasane.sheets import services as sheet_services

from . import services
from .models import AreaIssue, IssueStatus, WatcherKind

MEMBERS = [("自治会連合会 会長", "自治会"), ("民生委員・児童委員協議会 地区会長", "民生委員"),
           ("地域包括支援センター 管理者", "包括"), ("商店会 会長", "商店会")]
# (area index, title, themes, status, actions)
ISSUES = [
    (0, "坂の上の団地で買い物に行けない高齢世帯が増えている", ["shopping", "mobility", "elderly"],
     IssueStatus.ACTING, [("移動販売車の試行を事業者に打診", "社協・商店会")]),
    (0, "放課後に子どもが過ごせる場所が少ない", ["children", "place"], IssueStatus.RECEIVED, []),
    (1, "空き家を多世代の居場所にしたい", ["housing", "place"], IssueStatus.RESOLVED,
     [("空き家の所有者と協定", "NPO いばしょネット"), ("多世代交流拠点を開所", "NPO いばしょネット")]),
    (1, "外国人住民にごみ出しや相談窓口の情報が届かない", ["foreign", "information"],
     IssueStatus.DISCUSSING, []),
    (2, "災害時に一人暮らし高齢者の安否確認ができるか不安", ["disaster", "watch"],
     IssueStatus.CONTINUING, [("避難訓練に見守り協力員が参加", "自治会・民生委員")]),
    (2, "ひきこもりの若者の相談先が知られていない", ["information", "other"],
     IssueStatus.ESCALATED, [("推進会議に報告し、周知方法を協議", "推進員")]),
]


def _actor(user: Any, org: Any = None) -> Membership:
    qs = Membership.objects.select_related("organization", "user").filter(user=user, is_active=True)
    if org is not None:
        qs = qs.filter(organization=org)
    found = qs.order_by("pk").first()
    assert found is not None
    return found


def _at(days: int, hour: int = 14) -> dt.datetime:
    base = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + dt.timedelta(days=days)


def _committees(suishin: Membership, shakyo: Any, areas: list[Area]) -> list[MeetingBody]:
    bodies = []
    for i, area in enumerate(areas):
        body = meeting_services.body_create(
            actor=suishin, name=f"{area.name.removesuffix('圏域')}福祉のまちづくり委員会",
            type=MeetingType.AREA_COMMITTEE, organizer_id=shakyo.pk, area_id=area.pk,
            review_days=0)
        members = [meeting_services.body_member_add(
            actor=suishin, body=body, name=f"{area.name[:2]}{name}", affiliation=aff)
            for name, aff in MEMBERS]
        for n, days in enumerate((-75 + i, -15 + i)):
            meeting = meeting_services.meeting_create(actor=suishin, body=body,
                                                      starts_at=_at(days), place="地域福祉センター")
            meeting_services.network_record(
                actor=suishin, meeting=meeting, theme=("地域課題の共有" if n == 0 else "取組の進み具合"),
                minutes="各委員から地域の様子を報告。地域課題シートの内容を確認した。",
                decisions="次回までに担い手と取組の案をまとめる。", attendance_count=9 + i,
                present_member_ids=[m.pk for m in members[: 3 + n]])
        meeting_services.meeting_create(actor=suishin, body=body, starts_at=_at(10 + 7 * i),
                                        place="地域福祉センター")
        bodies.append(body)
    for name, kind in (("重ね市 相談支援包括化推進会議", MeetingType.PROMOTION),
                       ("重ね市 庁内連携会議", MeetingType.INTRA_OFFICE)):
        body = meeting_services.body_create(actor=suishin, name=name, type=kind, review_days=0)
        meeting = meeting_services.meeting_create(actor=suishin, body=body, starts_at=_at(-30),
                                                  place="市役所 第2会議室")
        meeting_services.network_record(actor=suishin, meeting=meeting, theme="重層的支援体制の進み具合",
                                        minutes="各圏域の地域課題と活動を共有。",
                                        decisions="ひきこもりの相談先の周知を全庁で行う。",
                                        attendance_count=14)
    return bodies


def _issues(csw: Membership, areas: list[Area]) -> None:
    sheet_services.record_create(actor=csw, code="area_issue", submit=True, answers={
        "area": areas[0].code, "raised_by": "csw", "themes": ["watch", "elderly"],
        "title": "団地の一人暮らし高齢者が孤立しがち",
        "description": "集会所の行事に来る人が減り、見守りの目が届きにくい。", "status": "received"})
    for index, title, themes, status, actions in ISSUES:
        issue = services.area_issue_create(actor=csw, area=areas[index], title=title,
                                           themes=themes, raised_by="member",
                                           description="委員会で出された課題。")
        for n, (content, owner) in enumerate(actions):
            services.issue_action_add(actor=csw, issue=issue, content=content, owner=owner,
                                      on=timezone.localdate() - dt.timedelta(days=40 - 20 * n),
                                      start=True)
        issue.refresh_from_db()
        if issue.status != status:
            services.area_issue_status(actor=csw, issue=issue, status=status, confirm_back=True)


def _activities(csw: Membership, areas: list[Area]) -> None:
    today = timezone.localdate()
    for month in range(12):
        day = today - dt.timedelta(days=30 * month + 3)
        for i, area in enumerate(areas):
            services.activity_record(
                actor=csw, kind="community_work", area=area, held_on=day - dt.timedelta(days=i),
                title="サロン運営の支援", partners="自治会・民生委員", sessions=5 + (month + i) % 4,
                participants=12 + 2 * i, tags=["community"])
            if month % 3 == i:
                services.activity_record(
                    actor=csw, kind="consultation_event", area=area, held_on=day,
                    title="出張相談会", place=f"{area.name[:2]}公民館", participants=30 + 5 * i,
                    consultations=4 + i, connected=1 + (i + month) % 2,
                    tags=["comprehensive", "outreach", "community"])
        if month % 3 == 0:
            services.activity_record(
                actor=csw, kind="training", area=areas[month // 3 % 3], held_on=day,
                title="見守りサポーター養成講座", target="地域住民", participants=25,
                completions=21, tags=["community", "participation"])
        if month % 2 == 0:
            services.activity_record(actor=csw, kind="publicity", held_on=day,
                                     title="重層的支援体制の周知（広報・チラシ）", target="市民",
                                     participants=0, tags=["comprehensive"])


def _hub(csw: Membership) -> None:
    muni = csw.organization.municipality_id
    place = Place.objects.filter(municipality_id=muni, status=PlaceStatus.PUBLISHED,
                                 name__contains="よりみち").order_by("pk").first() \
        or Place.objects.filter(municipality_id=muni, status=PlaceStatus.PUBLISHED).first()
    if place is None:
        return
    today = timezone.localdate()
    for n in range(1, 60):
        day = today - dt.timedelta(days=n)
        if day.weekday() >= 5:
            continue
        services.hub_log_save(actor=csw, place=place, on=day, visits_children=n % 6,
                              visits_teens=n % 3, visits_adults=2 + n % 4,
                              visits_elderly=5 + n % 5, consultations=n % 4 // 2,
                              connected=1 if n % 9 == 0 else 0,
                              connected_to="地域包括支援センター" if n % 9 == 0 else "")


def _watch(suishin: Membership, csw: Membership, houkatsu: Membership, areas: list[Area]) -> None:
    for area, contact in zip(areas, (csw, houkatsu, csw), strict=True):
        services.area_contact_add(actor=suishin, area=area, membership=contact)
    helpers = []
    for area in areas:
        short = area.name[:2]
        helpers += [services.watcher_register(actor=csw, area=area, kind=kind, name=name)
                    for kind, name in ((WatcherKind.MINSEI, f"{short}地区 民生委員A"),
                                       (WatcherKind.MINSEI, f"{short}地区 民生委員B"),
                                       (WatcherKind.VOLUNTEER, f"{short} 見守り協力員"),
                                       (WatcherKind.BUSINESS, f"{short} 新聞販売店"))]
    notes = ["新聞が3日分たまっている", "夜になっても電気がつかない日が続いている",
             "ごみ出しの日を間違えることが増えた", "郵便受けがいっぱいになっている",
             "庭の草が伸び放題で、姿を見かけない", "配達の際、室内から助けを呼ぶ声がした気がする"]
    for n, note in enumerate(notes):
        helper = helpers[(n * 5) % len(helpers)]
        report = services.watch_report_enter(
            actor=suishin, area=helper.area, watcher=helper, summary=note,
            received_on=timezone.localdate() - dt.timedelta(days=2 * n), place_hint="町名のみ")
        if n >= 3:
            services.watch_report_handle(actor=_actor(report.routed_to.user,
                                                      report.routed_to.organization),
                                         report_id=report.pk)


def load(data: dict[str, Any]) -> None:
    users, orgs = data["users"], data["orgs"]
    muni = orgs["fukushi"].municipality_id
    areas = list(Area.objects.filter(municipality_id=muni, kind=AreaKind.DAILY_LIFE_AREA)
                 .order_by("code"))
    if len(areas) < 3 or AreaIssue.objects.filter(municipality_id=muni).exists():
        return
    suishin = _actor(users["suishin"], orgs["fukushi"])
    csw = _actor(users["csw"])
    houkatsu = _actor(users["houkatsu1"])
    if not Meeting.objects.filter(municipality_id=muni, body__type=MeetingType.AREA_COMMITTEE).exists():
        _committees(suishin, orgs["shakyo"], areas[:3])
    _issues(csw, areas[:3])
    _activities(csw, areas[:3])
    _hub(csw)
    _watch(suishin, csw, houkatsu, areas[:3])
