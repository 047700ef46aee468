"""Print fidelity of the PDF (issue 20 #4, #5): section headings, page per 施策, editable
front matter, no unasked 計画期間 line, running headers on every page type, and
cross-reference page numbers — checked page by page with pdftotext."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest

from kasane.pdca import setup
from kasane.pdca.importer import plan_import, template_workbook
from kasane.pdca.models import PdcaCycle, Plan
from kasane.pdca.paginate import paginate
from kasane.pdca.pdf import render_html, render_pdf
from kasane.pdca.report import build_plan, build_report

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing")


def pdf_pages(pdf: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    return out.split("\f")[:-1]


def header(page: str) -> str:
    first = next((line.strip() for line in page.splitlines() if line.strip()), "")
    return re.sub(r"\s+", " ", first)


@pytest.fixture
def two_plans(pdca):
    plan_import(actor=pdca.m_secretariat, municipality=pdca.plan.municipality,
                file=io.BytesIO(template_workbook()), dry_run=False)
    local = Plan.objects.get(short_name="地域福祉計画")
    multi = Plan.objects.get(short_name="重層計画")
    cycle = setup.cycle_create(actor=pdca.m_secretariat, fiscal_year=2028, plans=[local, multi],
                               report_title="重ね市 進捗管理 令和10年度報告書")
    return cycle, local, multi


@pytest.mark.django_db
def test_running_headers_and_reference_pages(two_plans, pdca) -> None:
    cycle, local, multi = two_plans
    pages = pdf_pages(render_pdf(build_report(cycle, live=False)))
    summary = [i for i, p in enumerate(pages) if "評価総括表" in p and "施策の進捗状況" in p]
    assert len(summary) == 2
    # the second plan's 評価総括表 page is headed by its own title, not the previous sheet
    assert header(pages[summary[1]]).startswith(f"{multi.name} 進捗管理")
    colophon = next(i for i, p in enumerate(pages) if "発行" in p and "刊行物" not in p
                    and i == len(pages) - 1)
    assert "委員会からの意見" not in header(pages[colophon])
    for i, page in enumerate(pages):
        if "Do（実行）" in page:
            assert "進捗管理シート" in header(page), f"page {i + 1}: {header(page)}"
    # 重層 1-1-2 cross-lists 地域福祉計画 1-1-1-a, whose 高 pair is on the cited page
    ref_page = next(p for p in pages if "詳細は" in p and "重層" in header(p))
    number = int(re.search(r"詳細はP\.\s*(\d+)", ref_page).group(1))
    assert "介護予防の講座を加えた" in pages[number - 1]


@pytest.mark.django_db
def test_section_heading_front_matter_and_no_unasked_meta_line(two_plans, pdca) -> None:
    cycle, local, _ = two_plans
    html = render_html(build_report(cycle, live=False))
    assert "計画期間：" not in html and "2 重層" not in html
    setup.plan_layout_save(actor=pdca.m_secretariat, plan=local,
                           section_heading="1 地域福祉計画", print_meta_line=True)
    setup.cycle_texts_save(actor=pdca.m_secretariat, cycle=PdcaCycle.objects.get(pk=cycle.pk),
                           intro_text="この報告書は重ね市の取組をまとめたものです。",
                           criteria_example="目標5件中3件達成 → 60% → B",
                           timeline_text="準備|事務局|目標の確定|3月")
    html = render_html(build_report(PdcaCycle.objects.get(pk=cycle.pk), live=False))
    assert '<h1 class="plan-heading">1 地域福祉計画</h1>' in html
    assert html.count("計画期間：") == 1
    assert "この報告書は重ね市の取組をまとめたものです。" in html
    assert "1　進捗管理の目的" not in html
    assert "目標5件中3件達成 → 60% → B" in html
    assert "<td>目標の確定</td><td>3月</td>" in html and "4月～5月" not in html


@pytest.mark.django_db
def test_page_per_section_starts_each_graded_node_on_a_new_page(pdca) -> None:
    packed = paginate(build_plan(pdca.plan, 2024, live=False))
    setup.plan_layout_save(actor=pdca.m_secretariat, plan=pdca.plan, page_per_section=True)
    pdca.plan.refresh_from_db()
    per_section = paginate(build_plan(pdca.plan, 2024, live=False))
    assert len(packed) == 1 and len(per_section) == 2
    first_own = [next(i for i in page if not i.get("repeat")) for page in per_section]
    assert [i["row"]["code"] for i in first_own] == ["1", "1-1-2"]
    assert [i["row"]["code"] for i in per_section[1] if i.get("repeat")] == ["1", "1-1"]
