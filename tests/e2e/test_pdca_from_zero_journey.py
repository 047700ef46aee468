"""PDCA for a real municipality from zero (issue 20): no demo loader. The operator creates the
tenant with ``create_municipality``; its 事務局 imports one workbook holding two plans that
cross-list each other plus Do/Act, Check and opinions, creates the 年度, runs the workflow to
公表 and downloads the PDF built in the background; pdftotext checks every page's running
header and the cross-reference page numbers."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from .conftest import login, screenshot

PASSWORD = "from-zero-secret-2025"


@pytest.fixture(autouse=True)
def _immediate_worker(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "ENQUEUE_ON_COMMIT": False}}


def _workbook(tmp_path: Path) -> Path:
    """The import template moved to 令和7年度 (2025), every target with its result."""
    from kasane.pdca.importer import template_workbook

    wb = load_workbook(io.BytesIO(template_workbook()))
    plans = wb["計画"]
    for row in (2, 3):
        plans.cell(row=row, column=5, value="2025")
        plans.cell(row=row, column=6, value="2029" if row == 2 else "2027")
    for sheet in ("年次目標", "Do・Act", "Check", "委員会意見"):
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index("年度") + 1
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=col, value="2025")
    targets = wb["年次目標"]
    result_col = [c.value for c in targets[1]].index("結果") + 1
    for r in range(2, targets.max_row + 1):
        targets.cell(row=r, column=result_col, value="達成" if r != 3 else "未達成")
    path = tmp_path / "report.xlsx"
    wb.save(path)
    return path


def _advance(page: Any, label: str) -> None:
    page.click("[data-testid=advance]")
    page.wait_for_selector(f".message-success:has-text('「{label}」の段階に進めました。')")


def _pages(pdf: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return text.split("\f")[:-1]


def _header(page: str) -> str:
    first = next((line.strip() for line in page.splitlines() if line.strip()), "")
    return re.sub(r"\s+", " ", first)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing")
def test_a_new_municipality_produces_its_first_report(
        transactional_db: Any, new_page: Any, device: str, blocked_requests: list[str],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASANE_SECRETARIAT_PASSWORD", PASSWORD)
    call_command("create_municipality", "011002", "かさね北市", "--admin", "kanri",
                 "--secretariat", "jimu", stdout=io.StringIO())
    page = new_page()
    login(page, "jimu", PASSWORD)
    page.goto("/pdca/")
    page.click("a:has-text('Excelから計画を取り込む')")
    workbook = _workbook(tmp_path)
    page.set_input_files("input[type=file]", str(workbook))
    page.click("button:has-text('確認（ドライラン）')")
    page.wait_for_selector("[data-testid=import-result] h2:has-text('誤りはありません')")
    page.set_input_files("input[type=file]", str(workbook))
    page.click("button:has-text('取り込む')")
    page.wait_for_selector(".message-success:has-text('を取り込みました')")
    screenshot(page, "pdca-from-zero-plan", device)

    page.goto("/pdca/cycles/new/")
    page.select_option("select[name=fiscal_year]", "2025")
    page.check("input[name=plans] >> nth=0")
    page.check("input[name=plans] >> nth=1")
    page.fill("input[name=report_title]", "かさね北市 進捗管理 令和7年度報告書")
    page.click("button:has-text('作成')")
    page.wait_for_selector("h1:has-text('令和7年度')")
    for label in ("担当課自己評価", "事務局確認", "委員会①（審議）", "修正", "委員会②（確定）",
                  "庁議①", "庁議②", "公表"):
        _advance(page, label)
    screenshot(page, "pdca-from-zero-published", device)

    page.click("button:has-text('PDFを作成')")
    page.wait_for_selector("[data-testid=export-download]", timeout=120_000)
    href = page.locator("[data-testid=export-download]").get_attribute("href")
    response = page.request.get(href, timeout=120_000)
    assert response.status == 200
    pages = _pages(response.body())
    assert blocked_requests == []

    # every page after the cover carries the right running header
    summaries = [i for i, p in enumerate(pages) if "施策の進捗状況" in p]
    assert len(summaries) == 2
    assert _header(pages[summaries[1]]).startswith("重ね市重層的支援体制整備事業実施計画 進捗管理")
    for i, text in enumerate(pages[1:], start=2):
        head = _header(text)
        if "Do（実行）" in text:
            assert "進捗管理シート" in head, f"p.{i}: {head}"
        elif i == len(pages):
            assert "委員会からの意見" not in head, f"colophon p.{i}: {head}"
    # the 重層 plan's cross-listed 1-1-2 (高) points at the page of the 高 Do/Act pair
    ref = next(p for p in pages if "詳細は" in p and "重層" in _header(p))
    number = int(re.search(r"詳細はP\.\s*(\d+)", ref).group(1))  # type: ignore[union-attr]
    assert "介護予防の講座を加えた" in pages[number - 1]
    assert "地域福祉計画" in _header(pages[number - 1])
