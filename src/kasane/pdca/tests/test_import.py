"""Excel import of a whole report (issue 20 #2, #6, #7, bad input): one workbook with two
plans that cross-list each other, Do/Act per 担当課, Check, opinions and new 担当課; located
messages (sheet, row, column), one message per root cause, the dry run runs the commit's
checks, and unusable files get one Japanese message."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kasane.accounts.models import Unit
from kasane.pdca.importer import parse, plan_import, template_workbook
from kasane.pdca.models import AnnualTarget, CommitteeOpinion, Evaluation, Plan, ProgressPair

LOCAL = "重ね市第3次地域福祉計画"
MULTI = "重ね市重層的支援体制整備事業実施計画"


def _bytes(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(wb, name="plan.xlsx"):
    return SimpleUploadedFile(name, _bytes(wb))


def _template():
    return load_workbook(io.BytesIO(template_workbook()))


def _run(pdca, wb, dry_run=True):
    return plan_import(actor=pdca.m_secretariat, municipality=pdca.plan.municipality,
                       file=io.BytesIO(_bytes(wb)), dry_run=dry_run)


@pytest.mark.django_db
def test_it_accepts_its_own_template_in_a_dry_run(pdca, city) -> None:
    result = parse(io.BytesIO(template_workbook()), municipality=city.municipality)
    assert result.errors == []
    assert [p.key for p in result.plans] == ["地域福祉計画", "重層計画"]
    assert len(result.nodes) == 9 and len(result.targets) == 3
    assert result.targets[1]["fiscal_year"] == 2029  # 令和11


@pytest.mark.django_db
def test_one_workbook_imports_two_plans_that_cross_list_each_other_with_texts(pdca) -> None:
    dry = _run(pdca, _template())
    assert dry.errors == [] and dry.created is None
    assert not Plan.objects.filter(name=LOCAL).exists()
    assert not Unit.objects.filter(code="福").exists()  # the dry run rolled back its writes
    result = _run(pdca, _template(), dry_run=False)
    assert result.errors == []
    local, multi = Plan.objects.get(name=LOCAL), Plan.objects.get(name=MULTI)
    assert multi.parent_plan == local
    assert local.nodes.get(code="1-1-1-b").repost_of == multi.nodes.get(code="1-1-1")
    assert multi.nodes.get(code="1-1-2").repost_of == local.nodes.get(code="1-1-1-a")
    pairs = ProgressPair.objects.filter(business=local.nodes.get(code="1-1-1-a"))
    assert sorted(p.unit.code for p in pairs) == ["共", "高"]
    assert Unit.objects.get(code="福").name == "福祉総務課"
    assert Evaluation.objects.get(node__plan=local).check_text == "目標の半数を達成した。"
    assert CommitteeOpinion.objects.get(node__plan=local).fiscal_year == 2028
    assert AnnualTarget.objects.filter(business__plan__in=[local, multi]).count() == 3


@pytest.mark.django_db
def test_untitled_middle_node_imports_and_duplicate_sibling_number_is_a_warning(pdca) -> None:
    wb = _template()
    wb["施策・事業"]["E10"] = 1  # 重層 1-1-2 gets number 1 like 1-1-1
    result = _run(pdca, wb)
    assert result.errors == []
    assert result.warnings == ["施策・事業 10行目 E列（番号）: 同じ親の下で番号1が「1-1-1」と重複しています（このまま印刷されます）。"]


@pytest.mark.django_db
def test_every_message_names_sheet_row_and_column(pdca) -> None:
    wb = _template()
    wb["施策・事業"]["J5"] = "謎"
    wb["施策・事業"]["N6"] = "1-1-1-b"
    wb["年次目標"]["B2"] = "9-9"
    wb["年次目標"]["F3"] = "abc"
    result = _run(pdca, wb, dry_run=False)
    assert result.errors == [
        "施策・事業 5行目 J列（担当課）: 担当課「謎」が登録されていません（担当課コード1文字。新しい担当課はシート「担当課」に追加できます）。",
        "施策・事業 6行目 N列（再掲元コード）: 再掲元に自分自身は指定できません。",
        "年次目標 2行目 B列（事業コード）: 事業コード「9-9」は「施策・事業」シートの事業にありません。",
        "年次目標 3行目 F列（目標値）: 数字で入力してください。",
    ]
    assert result.created is None and not Plan.objects.filter(name=LOCAL).exists()


@pytest.mark.django_db
def test_a_missing_column_is_one_message(pdca) -> None:
    wb = _template()
    wb["施策・事業"].delete_cols(2)  # コード
    result = _run(pdca, wb)
    assert result.errors == ["施策・事業 1行目: 列「コード」がありません（見出しはテンプレートのままにしてください）。"]


@pytest.mark.django_db
def test_a_missing_repost_source_fails_in_the_dry_run(pdca, city, client) -> None:
    wb = _template()
    wb["施策・事業"]["N10"] = "地域福祉計画:9-9-9-z"
    result = _run(pdca, wb)
    assert result.errors == ["施策・事業 10行目 N列（再掲元コード）: 再掲元「地域福祉計画:9-9-9-z」が見つかりません（同じ計画のコード、または「略称:コード」で他の計画の事業）。"]
    client.force_login(city.secretariat)
    response = client.post(reverse("pdca:import"), {"file": _upload(wb), "commit": "1"})
    assert response.status_code == 400 and "9-9-9-z" in response.content.decode()


@pytest.mark.django_db
def test_the_dry_run_runs_the_model_checks_of_the_commit(pdca) -> None:
    wb = _template()
    wb["施策・事業"]["K5"] = "1 " * 40  # 頁 longer than the model allows
    result = _run(pdca, wb)
    assert len(result.errors) == 1 and result.errors[0].startswith("施策・事業 5行目 K列（頁）: ")


@pytest.mark.django_db
def test_it_imports_the_report_through_the_screen(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    url = reverse("pdca:import")
    response = client.post(url, {"file": _upload(_template()), "dry_run": "1"})
    assert response.status_code == 200 and "誤りはありません" in response.content.decode()
    assert not Plan.objects.filter(name=LOCAL).exists()
    response = client.post(url, {"file": _upload(_template()), "commit": "1"})
    assert response.status_code == 302
    assert Plan.objects.filter(name__in=[LOCAL, MULTI]).count() == 2
    client.force_login(pdca.tantou)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"a,b", b"PK\x03\x04broken", None])
def test_unusable_file_is_one_message_at_the_upload_field(pdca, city, client, content) -> None:
    if content is None:
        wb = Workbook()
        wb.active.title = "Sheet1"
        content = _bytes(wb)
    client.force_login(city.secretariat)
    response = client.post(reverse("pdca:import"),
                           {"file": SimpleUploadedFile("plan.xlsx", content), "dry_run": "1"})
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count('class="error" role="alert"') == 1
    assert "Excelブック（.xlsx）として読み込めませんでした" in page or "取込用のシート" in page


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_named_xlsx(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    response = client.post(reverse("pdca:import"),
                           {"file": SimpleUploadedFile("plan.csv", b"a,b"), "dry_run": "1"})
    assert response.status_code == 400
    assert "Excelブック（.xlsx）を選んでください。" in response.content.decode()


@pytest.mark.django_db
def test_it_imports_from_the_command_line(pdca, city, tmp_path, capsys) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(template_workbook())
    call_command("import_pdca", str(path), "--municipality", city.municipality.code, "--dry-run")
    assert "確認のみ" in capsys.readouterr().out
    assert not Plan.objects.filter(name=LOCAL).exists()
    call_command("import_pdca", str(path), "--municipality", city.municipality.code)
    assert Plan.objects.filter(name=LOCAL).exists()
    with pytest.raises(CommandError, match="誤りがあります"):
        call_command("import_pdca", str(path), "--municipality", city.municipality.code)


@pytest.mark.django_db
def test_command_gives_one_message_and_status_1_for_a_corrupt_file(pdca, city, tmp_path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04not really")
    with pytest.raises(CommandError) as exc:
        call_command("import_pdca", str(path), "--municipality", city.municipality.code)
    assert "読み込めませんでした" in str(exc.value)
