"""Notification and 緊急案件 screens: thin views over ``services`` and ``selectors``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kasane.access.http import acting
from kasane.accounts.http import membership_of
from kasane.accounts.models import Role, User
from kasane.core.forms import form_page, perform
from kasane.core.wareki import format_wareki

from . import policy, selectors, services
from .forms import (
    AlertForm,
    ReasonForm,
    ResolveForm,
    RotaForm,
    WebhookForm,
    settings_form_fields,
)
from .models import RotaShift
from .services.channels import can_manage_webhooks, require_webhook_admin

PAGE = 50
NO_ROLE = "緊急案件を扱えるのは相談支援に携わる職員です。"


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """My notifications, newest first, PAGE a page (「前へ」「次へ」 keep the unread filter)."""
    unread = request.GET.get("unread") == "1"
    page = Paginator(selectors.notifications_for(request.user, unread=unread),  # type: ignore[arg-type]
                     PAGE).get_page(request.GET.get("page"))
    notes = list(page.object_list)
    names = selectors.names_for(membership_of(request), notes)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "notify/notifications.html", {
        "notes": [(n, names.get(n.person_id or 0, "")) for n in notes], "unread": unread,
        "page": page, "query": query.urlencode(),
        "unread_count": selectors.unread_count(request.user),  # type: ignore[arg-type]
        "can_webhooks": can_manage_webhooks(membership_of(request))})


@login_required
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count (htmx polling fallback and after each live event)."""
    return render(request, "notify/_badge.html", {
        "unread_count": selectors.unread_count(request.user),  # type: ignore[arg-type]
        "poll_seconds": settings.KASANE_BADGE_POLL_SECONDS})


@login_required
@require_GET
def banner(request: HttpRequest) -> HttpResponse:
    """The alert banner of every page: open alerts sent to me and not yet acknowledged."""
    alerts = list(selectors.unacknowledged_alerts(request.user)[:3])  # type: ignore[arg-type]
    return render(request, "notify/_banner.html", {
        "alerts": alerts, "poll_seconds": settings.KASANE_BADGE_POLL_SECONDS})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = services.notification_mark_read(user=request.user, notification_id=pk)  # type: ignore[arg-type]
    if request.POST.get("go") and note.url.startswith("/"):
        return redirect(note.url)
    return redirect("notify:notifications")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)  # type: ignore[arg-type]
    messages.success(request, f"{count}件を既読にしました。")
    return redirect("notify:notifications")


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    kinds = settings_form_fields()
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        choices = {code: {"in_app": request.POST.get(f"{code}-in_app") == "on",
                          "email": request.POST.get(f"{code}-email") == "on",
                          "digest": request.POST.get(f"{code}-digest") == "on"}
                   for code, _ in kinds}
        services.settings_save(user=user, choices=choices)  # type: ignore[arg-type]
        messages.success(request, "通知の設定を保存しました。")
        return redirect("notify:settings")
    return render(request, "notify/settings.html", {
        "rows": selectors.setting_rows(user, kinds), "email_on": bool(settings.EMAIL_HOST),
        "emails": selectors.recent_emails(user)})


@login_required
def webhooks(request: HttpRequest) -> HttpResponse:
    member = require_webhook_admin(membership_of(request))
    form = WebhookForm(request.POST or None)

    def act(data: dict[str, Any]) -> str:
        hook = services.webhook_create(actor=member, name=data["name"], url=data["url"])
        messages.success(request, f"Webhookを登録しました。署名用の秘密鍵: {hook.secret}"
                                  "（この画面でだけ表示します）")
        return reverse("notify:webhooks")

    return form_page(request, form, act, template="notify/webhooks.html", success="",
                     context={"hooks": selectors.webhooks_of(member),
                              "deliveries": selectors.deliveries_of(member)})


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    member = acting(request, NO_ROLE)
    rows = list(selectors.alerts_for(member)[:PAGE])
    return render(request, "notify/alerts.html", {"alerts": rows})


@login_required
def alert_new(request: HttpRequest) -> HttpResponse:
    member = acting(request, NO_ROLE)
    initial = {"to_rota": True}
    form = AlertForm(request.POST or None, initial=initial,
                     municipality_id=member.organization.municipality_id)
    case_id, person_id = request.GET.get("case"), request.GET.get("person")

    def act(data: dict[str, Any]) -> str:
        alert = services.alert_raise(
            actor=member, urgency=data["urgency"], summary=data["summary"],
            needed=data["needed"], target_organization_ids=data["target_organization_ids"],
            to_rota=data["to_rota"], case_id=case_id, person_id=person_id)
        messages.success(request, "緊急案件を発信しました。")
        return reverse("notify:alert", args=[alert.pk])

    return form_page(request, form, act, template="notify/alert_new.html", success="",
                     context={"case_id": case_id, "person_id": person_id})


def _alert_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    member = acting(request, NO_ROLE)
    found = policy.require_alert(member, pk)
    return {"alert": found, **selectors.alert_detail(found, member),
            "can_take": policy.can_take(member, found),
            "can_resolve": policy.can_resolve(member, found),
            "is_owner": found.owner_id == member.user_id and found.is_open,
            "has_person": bool(found.person_id or found.case_id)}


@login_required
def alert(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "notify/alert.html", {
        **_alert_context(request, pk), "reason_form": ReasonForm(), "resolve_form": ResolveForm()})


@login_required
@require_GET
def alert_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The parts of the alert page a live update refreshes (status with the ack/take buttons,
    recipients, timeline) as htmx out-of-band swaps; never the forms the user types in."""
    return render(request, "notify/_alert_live.html", {**_alert_context(request, pk), "oob": True})


def _act(request: HttpRequest, pk: int, operation: str, success: str) -> HttpResponse:
    member = acting(request, NO_ROLE)
    found = policy.require_alert(member, pk, action=operation)
    fn = {"ack": services.alert_acknowledge, "take": services.alert_take}[operation]
    perform(request, lambda: fn(actor=member, alert=found), success)
    return redirect("notify:alert", pk)


@login_required
@require_POST
def alert_ack(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "ack", "受領しました。")


@login_required
@require_POST
def alert_take(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "take", "対応者になりました。")


@login_required
@require_POST
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    member = acting(request, NO_ROLE)
    found = policy.require_alert(member, pk, action="resolve")
    form = ResolveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    perform(request, lambda: services.alert_resolve(actor=member, alert=found, note=note),
            "解決にしました。")
    return redirect("notify:alert", pk)


@login_required
@require_POST
def alert_emergency(request: HttpRequest, pk: int) -> HttpResponse:
    member = acting(request, NO_ROLE)
    found = policy.require_alert(member, pk, action="emergency")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "緊急に閲覧する理由を入力してください。")
        return redirect("notify:alert", pk)
    try:
        reviews = services.alert_emergency_access(actor=member, alert=found,
                                                  reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("notify:alert", pk)
    messages.success(request, f"緊急アクセスを記録しました（{len(reviews)}名）。"
                              "事後に推進員が確認します。")
    person_id = found.person_id
    if person_id:
        return redirect("people:detail", person_id)
    return redirect("cases:detail", found.case_id) if found.case_id else redirect(
        "notify:alert", pk)


ROTA_WEEKS = 4


@login_required
def rota(request: HttpRequest) -> HttpResponse:
    """This week's and the next weeks' 当番; a coordinator adds and removes people."""
    member = acting(request, NO_ROLE)
    mondays = [RotaShift.monday(timezone.localdate()) + dt.timedelta(weeks=i)
               for i in range(ROTA_WEEKS)]
    weeks = [(d.isoformat(), f"{format_wareki(d)}〜") for d in mondays]
    form = RotaForm(request.POST or None, weeks=weeks,
                    municipality_id=member.organization.municipality_id)

    def act(data: dict[str, Any]) -> str:
        services.rota_set(actor=member, week_start=dt.date.fromisoformat(data["week_start"]),
                          user_id=data["user"], order=data["order"])
        messages.success(request, "当番を登録しました。")
        return reverse("notify:rota")

    table = selectors.rota_table(member.organization.municipality_id, mondays)
    return form_page(request, form, act, template="notify/rota.html", success="",
                     names={"user_id": "user"},
                     context={"table": table, "can_edit": member.role == Role.COORDINATOR})


@login_required
@require_POST
def rota_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = acting(request, NO_ROLE)
    perform(request, lambda: services.rota_remove(actor=member, shift_id=pk), "当番から外しました。")
    return redirect("notify:rota")


@login_required
@require_POST
def webhook_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    member = membership_of(request)
    hook = services.webhook_set_active(actor=member, webhook_id=pk,
                                       active=request.POST.get("active") == "1")
    messages.success(request, f"{hook.name}を{'有効' if hook.active else '停止'}にしました。")
    return redirect("notify:webhooks")
