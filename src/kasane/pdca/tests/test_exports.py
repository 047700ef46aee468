"""PDF and Excel exports follow the same paginator; downloads are for PDCA readers only."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kasane.pdca.models import ProgressPair
from kasane.pdca.paginate import paginate
from kasane.pdca.pdf import render_html
from kasane.pdca.report import build_report
from kasane.pdca.xlsx import render_xlsx


@pytest.mark.django_db
def test_it_renders_the_report_html_with_toc_summary_and_sheets(pdca) -> None:
    html = render_html(build_report(pdca.cycle, live=False))
    assert "目　次" in html and "評価総括表" in html and "進捗管理シート" in html
    assert f'href="#g{pdca.g1.pk}"' in html  # page refs via target-counter
    assert "詳細は" in html  # the 再掲 refers to its original


@pytest.mark.django_db
def test_it_writes_the_workbook_with_merged_headers_and_the_paginators_breaks(pdca) -> None:
    for i in range(12):
        ProgressPair.objects.create(business=pdca.a, fiscal_year=2024, order=i + 1,
                                    do_text="長い記述。" * 40, act_text="課題。" * 30)
    report = build_report(pdca.cycle, live=False)
    pages = paginate(report["plans"][0])
    wb = load_workbook(io.BytesIO(render_xlsx(report)))
    assert wb.sheetnames == ["凡例", "地福_総括表", "地福_進捗管理シート", "地福_意見"]
    ws = wb["地福_進捗管理シート"]
    assert ws["A1"].value == "基本目標" and ws["B1"].value == "施策" and ws["B2"].value == "大"
    assert "B1:C1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape"
    assert len(ws.row_breaks.brk) == len(pages) - 1
    grades = [c.value for c in ws["I"] if c.value]  # Check column (3 level columns + 5)
    assert "C(再掲)" in grades
    summary = wb["地福_総括表"]
    assert summary["B4"].value == 0 and summary["B6"].value == 1  # A: 0, C: 1


@pytest.mark.django_db
def test_it_downloads_pdf_and_excel_for_readers_only(pdca, city, client) -> None:
    client.force_login(city.auditor)
    assert client.get(reverse("pdca:report_xlsx", args=[pdca.cycle.pk])).status_code == 403
    client.force_login(city.secretariat)
    response = client.get(reverse("pdca:report_xlsx", args=[pdca.cycle.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
def test_it_renders_a_real_pdf(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    response = client.get(reverse("pdca:report_pdf", args=[pdca.cycle.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    from urllib.parse import quote

    from kasane.core.wareki import fiscal_year_label

    label = fiscal_year_label(pdca.cycle.fiscal_year)  # the year as the report names it: 令和
    disposition = response["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(f'進捗管理報告書_{label}_案.pdf')}" in disposition
    assert f'filename="pdca-report-FY{pdca.cycle.fiscal_year}-draft.pdf"' in disposition


@pytest.mark.django_db
def test_the_pdf_reference_targets_the_pair_anchor_that_exists(pdca) -> None:
    """Issue 20 #3: the link goes to the Do/Act pair, and that id is in the document."""
    html = render_html(build_report(pdca.cycle, live=False))
    pair = ProgressPair.objects.get(business=pdca.a)
    assert f'href="#p{pair.pk}"' in html and f'id="p{pair.pk}"' in html


@pytest.mark.django_db
def test_the_workbook_reference_gives_the_page_of_the_pair(pdca) -> None:
    """Issue 20 #3: the Excel export names the page (was no page at all)."""
    wb = load_workbook(io.BytesIO(render_xlsx(build_report(pdca.cycle, live=False))))
    texts = [c.value for row in wb["地福_進捗管理シート"].iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("詳細は")]
    assert texts == ["詳細はP.1参照"]


@pytest.mark.django_db
def test_the_opinion_sheet_keeps_markers_on_context_rows(pdca) -> None:
    """Issue 20 #5: 【拡充】 stays on the 意見 sheet's context rows."""
    from kasane.pdca.models import CommitteeOpinion

    CommitteeOpinion.objects.create(node=pdca.a, fiscal_year=2024, text="もっと広報を。")
    wb = load_workbook(io.BytesIO(render_xlsx(build_report(pdca.cycle, live=False))))
    texts = [c.value for c in wb["地福_意見"]["D"] if c.value]
    assert "【拡充】担い手育成" in texts
    assert any(str(t).startswith("【拡充】福祉カレッジ\n・もっと広報を。") for t in texts)


@pytest.mark.django_db
def test_the_pdf_opinions_keep_markers_on_context_rows(pdca) -> None:
    """Issue 20 #5 (PDF side): 【拡充】 on the 第2章 context rows too."""
    from kasane.pdca.models import CommitteeOpinion

    CommitteeOpinion.objects.create(node=pdca.a, fiscal_year=2024, text="もっと広報を。")
    html = render_html(build_report(pdca.cycle, live=False))
    chapter2 = html.split('id="ch2"', 1)[1]
    assert "【拡充】担い手育成" in chapter2 and "<strong>【拡充】福祉カレッジ</strong>" in chapter2
