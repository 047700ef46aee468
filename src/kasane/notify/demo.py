"""Demo data of notify: the weekly 当番 rota (4 weeks), two past 緊急案件 with their timelines
(resolved, so no banner waits on anyone's page) and a few notification settings. Through the
services; idempotent (natural key: an alert of the demo city)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kasane.people.demo import _actor

from . import services
from .models import Alert, AlertEvent, RotaShift


def _rota(muni: int, first: Any, backup: Any) -> None:
    monday = RotaShift.monday(timezone.localdate())
    for week in range(-1, 3):
        start = monday + dt.timedelta(weeks=week)
        RotaShift.objects.get_or_create(municipality_id=muni, week_start=start,
                                        membership=first, defaults={"order": 0})
        RotaShift.objects.get_or_create(municipality_id=muni, week_start=start,
                                        membership=backup, defaults={"order": 1})


def _backdate(alert: Alert, days: int) -> None:
    """Move a finished alert into the past (its steps keep their minutes apart)."""
    shift = dt.timedelta(days=days)
    Alert.objects.filter(pk=alert.pk).update(created_at=alert.created_at - shift,
                                             resolved_at=timezone.now() - shift
                                             + dt.timedelta(hours=2))
    for i, event in enumerate(AlertEvent.objects.filter(alert=alert).order_by("at", "id")):
        AlertEvent.objects.filter(pk=event.pk).update(
            at=event.at - shift + dt.timedelta(minutes=7 * i))


def load(data: dict[str, Any]) -> None:
    users, orgs = data["users"], data["orgs"]
    muni = orgs["fukushi"].municipality_id
    if Alert.objects.filter(municipality_id=muni).exists():
        return
    suishin, csw = _actor(users["suishin"]), _actor(users["csw"])
    houkatsu, shougai = _actor(users["houkatsu1"]), _actor(users["shougai"])
    _rota(muni, suishin, csw)
    first = services.alert_raise(
        actor=houkatsu, urgency="immediate", to_rota=True,
        target_organization_ids=[orgs["shakyo"].pk],
        summary="訪問先の高齢女性が玄関で動けなくなっていると近隣から連絡。応答はあるが立てない様子。",
        needed="社協CSWの同行訪問と、救急要請の判断への助言")
    services.alert_acknowledge(actor=csw, alert=first)
    services.alert_take(actor=csw, alert=first)
    services.alert_resolve(actor=csw, alert=first,
                           note="救急搬送。入院先と家族に連絡済み。退院時に支援会議で検討する。")
    _backdate(first, 9)
    second = services.alert_raise(
        actor=shougai, urgency="today", target_organization_ids=[orgs["fukushi"].pk],
        summary="通所先に来ない利用者と連絡が取れない。服薬の中断が心配。",
        needed="市の推進員による安否確認の調整")
    services.alert_acknowledge(actor=suishin, alert=second)
    services.alert_take(actor=suishin, alert=second)
    services.alert_resolve(actor=suishin, alert=second, note="自宅で無事を確認。通所の再開を調整。")
    _backdate(second, 3)
    services.settings_save(user=users["suishin"], choices={
        "referral_received": {"in_app": True, "email": True, "digest": True},
        "sheet_received": {"in_app": True, "email": True}})
