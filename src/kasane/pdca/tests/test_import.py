"""Excel import: template round trip, dry run with row errors, all-or-nothing, command."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from kasane.pdca.importer import parse, plan_import, template_workbook
from kasane.pdca.models import AnnualTarget, Plan


def _upload(wb, name="plan.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def _template():
    return load_workbook(io.BytesIO(template_workbook()))


@pytest.mark.django_db
def test_it_accepts_its_own_template_in_a_dry_run(pdca, city) -> None:
    result = parse(io.BytesIO(template_workbook()), municipality=city.municipality)
    assert result.errors == []
    assert len(result.nodes) == 5 and len(result.targets) == 2
    assert result.targets[1]["fiscal_year"] == 2029  # 令和11


@pytest.mark.django_db
def test_it_reports_every_bad_row_in_japanese_and_writes_nothing(pdca) -> None:
    wb = _template()
    nodes = wb["施策・事業"]
    nodes["I5"] = "謎"          # unknown unit
    nodes["M6"] = "1-1-1-b"     # repost pointing at itself
    wb["年次目標"]["A2"] = "9-9"  # unknown business
    wb["年次目標"]["E3"] = "abc"  # not a number
    result = plan_import(actor=pdca.m_secretariat, municipality=pdca.plan.municipality,
                         file=_upload(wb), dry_run=False)
    assert "施策・事業 5行目: 担当課「謎」が登録されていません（担当課コード1文字）。" in result.errors
    assert "施策・事業 6行目: 再掲元に自分自身は指定できません。" in result.errors
    assert any(e.startswith("年次目標 2行目: 事業コード「9-9」") for e in result.errors)
    assert "年次目標 3行目: 「目標値」「実績値」は数字で入力してください。" in result.errors
    assert result.created is None
    assert not Plan.objects.filter(name="重ね市第3次地域福祉計画").exists()


@pytest.mark.django_db
def test_it_imports_the_plan_through_the_screen(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    url = reverse("pdca:import")
    response = client.post(url, {"file": _upload(_template()), "dry_run": "1"})
    assert response.status_code == 200 and "誤りはありません" in response.content.decode()
    assert not Plan.objects.filter(name="重ね市第3次地域福祉計画").exists()
    response = client.post(url, {"file": _upload(_template()), "commit": "1"})
    plan = Plan.objects.get(name="重ね市第3次地域福祉計画")
    assert response.status_code == 302
    assert plan.nodes.get(code="1-1-1-b").repost_of == plan.nodes.get(code="1-1-1-a")
    assert AnnualTarget.objects.filter(business__plan=plan).count() == 2
    client.force_login(pdca.tantou)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_excel(pdca, city, client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

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
    assert not Plan.objects.filter(name="重ね市第3次地域福祉計画").exists()
    call_command("import_pdca", str(path), "--municipality", city.municipality.code)
    assert Plan.objects.filter(name="重ね市第3次地域福祉計画").exists()
    with pytest.raises(CommandError, match="誤りがあります"):
        call_command("import_pdca", str(path), "--municipality", city.municipality.code)
