"""./kasane seal_audit and ./kasane verify_audit: exit 0 with a Japanese line when intact,
non-zero naming the first broken row."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from kasane.audit import sealing
from kasane.audit.models import AccessLog, AuditSeal


@pytest.fixture
def sealed(settings, tmp_path) -> list[AccessLog]:
    settings.KASANE_AUDIT_SEAL_FILE = tmp_path / "seals.jsonl"
    settings.KASANE_AUDIT_SEAL_SETTLE_SECONDS = 0
    logs = [AccessLog.objects.create(action="view", basis="consent",
                                     at=timezone.now() - dt.timedelta(minutes=1)) for _ in range(3)]
    out = io.StringIO()
    call_command("seal_audit", stdout=out)
    assert "封印しました: 1件（3行）" in out.getvalue()
    return logs


def _verify(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), err.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_intact_exits_zero_with_a_japanese_line(sealed) -> None:
    code, text = _verify()
    assert code == 0
    assert "監査ログは改ざんされていません（封印 1件" in text


@pytest.mark.django_db
def test_an_edited_row_exits_non_zero_naming_it(sealed) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_accesslog DISABLE TRIGGER USER")
        cursor.execute("UPDATE audit_accesslog SET basis = 'emergency' WHERE id = %s",
                       [sealed[1].pk])
    code, text = _verify()
    assert code == 1
    assert f"改ざん（行の内容が変更されています）: access_log id={sealed[1].pk}" in text


@pytest.mark.django_db
def test_another_seal_file_is_compared(sealed, tmp_path) -> None:
    other = tmp_path / "auditor.jsonl"
    other.write_text(sealing.seal_file().read_text().replace(
        AuditSeal.objects.get().chain_hash, "0" * 64))
    assert _verify()[0] == 0
    code, text = _verify("--seal-file", str(other))
    assert code == 1
    assert "封印ファイルとデータベースの不一致" in text
