"""「帳票を書く」 on the case page: a draft linked to the case whose person block comes from the
primary subject's record (sheets.views.start.write_for, case reach through sheets.reach)."""

from __future__ import annotations

from kasane.sheets.models import SheetRecord

from .factories import setup_case


def test_the_case_page_starts_a_linked_filled_draft(city, client) -> None:
    s = setup_case(city)
    client.force_login(city.coordinator)
    page = client.get(f"/cases/{s.case.pk}/").content.decode()
    assert 'data-testid="sheet-write-for"' in page and f'name="case_id" value="{s.case.pk}"' in page
    r = client.post("/sheets/new/for/", {"code": "intake_assessment", "person_id": s.person.pk,
                                         "case_id": s.case.pk})
    record = SheetRecord.objects.get()
    assert r.status_code == 302 and (record.case_id, record.person_id) == (s.case.pk, s.person.pk)
    assert record.answers["person"]["family_name"] == s.person.family_name


def test_someone_not_reaching_the_case_gets_a_404(city, client) -> None:
    s = setup_case(city)  # the consent names 地域包括 and 障害相談; neither is involved
    client.force_login(city.partner)
    r = client.post("/sheets/new/for/", {"code": "nine_grid", "person_id": s.person.pk,
                                         "case_id": s.case.pk})
    assert r.status_code == 404 and not SheetRecord.objects.exists()
