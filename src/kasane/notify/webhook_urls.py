"""Webhook URL check: https only, host on ``KASANE_WEBHOOK_ALLOWED_HOSTS``, and every address the
host resolves to must not be loopback, link-local, multicast, unspecified or a cloud metadata
address (checked when the webhook is saved and again before each POST: DNS can change).
Private ranges stay allowed: in-LGWAN receivers are normal.

``KASANE_WEBHOOK_ALLOW_LOOPBACK`` (a setting, never an env variable, refused in production)
lets tests use ``http://127.0.0.1:<port>``.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("100.100.100.200"),
            ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("168.63.129.16")}


class UnsafeURL(ValueError):
    """The URL may not receive webhooks; the message is Japanese, for the field."""


def _loopback_allowed() -> bool:
    return bool(getattr(settings, "KASANE_WEBHOOK_ALLOW_LOOPBACK", False)) and not settings.PRODUCTION


def _bad_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if ip in METADATA or ip.is_link_local or ip.is_multicast or ip.is_unspecified \
            or ip.is_reserved:
        return True
    return ip.is_loopback and not _loopback_allowed()


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        raise UnsafeURL("送信先のホスト名を解決できません。") from None
    return sorted({str(info[4][0]) for info in infos})


def check_url(url: str, *, resolve_host: bool = True) -> str:
    """Return the URL if webhooks may be sent there, else raise ``UnsafeURL``."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURL("URLの形式が正しくありません。") from None
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafeURL("URLの形式が正しくありません。")
    loopback_test = _loopback_allowed() and host == "127.0.0.1"
    if parts.scheme != "https" and not (loopback_test and parts.scheme == "http"):
        raise UnsafeURL("送信先は https:// で始まるURLにしてください。")
    if parts.username or parts.password:
        raise UnsafeURL("URLに利用者名やパスワードを含めないでください。")
    allowed = [h.lower() for h in settings.KASANE_WEBHOOK_ALLOWED_HOSTS]
    if host not in allowed and not loopback_test:
        raise UnsafeURL(f"送信先 {host} は管理者が許可したホストにありません"
                        "（KASANE_WEBHOOK_ALLOWED_HOSTS）。")
    if resolve_host:
        for address in resolve(host, port or (443 if parts.scheme == "https" else 80)):
            if _bad_address(ipaddress.ip_address(address.split("%")[0])):
                raise UnsafeURL("送信先がループバック・リンクローカル・メタデータのアドレスを"
                                "指しているため送れません。")
    return url
