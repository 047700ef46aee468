"""Sheets act on their links (issue 15 part B), desktop + smartphone:

the CSW (社協, involved in the case) sends an アウトリーチ sheet with two contact rows — one
不在 — through the API with the case's id: the answer and the sheet page list the two
contacts, the case page shows them and its timeline links back to the sheet; the 推進員 (主担当)
writes a 終結・評価 sheet, which waits as a proposal until they approve it on the sheet page —
the case is 終結; 障害相談 sends a 包括的相談支援 sheet (多機関協働へ) about a person whose consent
names the city: its page says the 推進員 decides, and the 推進員 opens a case from it. Each
step's viewers are checked (200 for the writer and the case's organizations, 404 for an
organization without a basis, 403 for the 連絡員 on cases).

The last step relies on the 推進員 seeing another organization's sheet on the consent's basis
(``sheets.policy``, issue 15 part A).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from .conftest import login, screenshot


def _as(page: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)
    page.wait_for_selector("h1:has-text('わたしの仕事')")


def _member(username: str) -> Any:
    from kasane.accounts.models import Membership

    return Membership.objects.select_related("organization", "user").filter(
        user__username=username).order_by("pk").first()


def _setup() -> dict[str, Any]:
    """What earlier journeys do through screens: a person with consent naming the city, 社協
    and 障害相談; a case the 推進員 leads with 社協 involved; a second person 障害相談 registered,
    consent naming the city."""
    from kasane.audit.models import Basis
    from kasane.cases import services as cases
    from kasane.people import services as people

    suishin, csw, shougai = _member("suishin"), _member("csw"), _member("shougai")
    person = people.person_create(actor=suishin, fields={
        "family_name": "重原", "given_name": "灯", "family_name_kana": "シゲハラ",
        "given_name_kana": "アカリ", "birth_date": dt.date(1968, 5, 2)})
    people.consent_record(actor=suishin, person=person, purposes=["information_sharing"],
                          organization_ids=[suishin.organization_id, csw.organization_id,
                                            shougai.organization_id],
                          obtained_on=timezone.localdate(), method="written")
    case = cases.case_open(actor=suishin, person_ids=[person.pk], summary="ひきこもりの長男と高齢の母",
                           triage="3", tags=["outreach"])
    cases.involvement_ensure(actor=suishin, case=case, organization=csw.organization,
                             role="member", basis=Basis.CASE_INVOLVEMENT)
    other = people.person_create(actor=shougai, fields={
        "family_name": "連城", "given_name": "湊", "family_name_kana": "レンジョウ",
        "given_name_kana": "ミナト", "birth_date": dt.date(1990, 1, 9)})
    people.consent_record(actor=shougai, person=other, purposes=["information_sharing"],
                          organization_ids=[shougai.organization_id, suishin.organization_id],
                          obtained_on=timezone.localdate(), method="written")
    return {"person": person, "case": case, "other": other, "suishin": suishin, "csw": csw,
            "shougai": shougai}


def _token(member: Any) -> str:
    from kasane.accounts.services import api_token_issue

    return api_token_issue(user=member.user, membership=member, name="journey")


def _post(page: Any, token: str, body: dict[str, Any]) -> dict[str, Any]:
    r = page.request.post("/api/v1/sheet-records", data=body,
                          headers={"Authorization": f"Bearer {token}"})
    assert r.status == 201, r.text()
    return r.json()


def _block(person: Any) -> dict[str, Any]:
    return {"family_name": person.family_name, "given_name": person.given_name,
            "family_name_kana": person.family_name_kana, "given_name_kana": person.given_name_kana,
            "birth_date": person.birth_date.isoformat()}


def _base(code: str, **answers: Any) -> dict[str, Any]:
    from kasane.sheets import selectors
    from kasane.sheets.tests.factories import full_answers

    definition = selectors.definition_current(municipality_id=_member("suishin").organization
                                              .municipality_id, code=code)
    base = full_answers(definition.schema, [_member("suishin").organization_id],
                        [_member("suishin").user_id])
    base.update(answers)
    return base


def _status(page: Any, path: str) -> int:
    return page.goto(path).status


def test_sheets_create_contacts_a_closure_and_a_case(new_page: Any, device: str,
                                                     demo_city: Any) -> None:
    s = _setup()
    page = new_page()
    case_url = f"/cases/{s['case'].pk}/"
    at = [(timezone.localtime() - dt.timedelta(days=d)).strftime("%Y-%m-%d %H:%M") for d in (3, 1)]

    # 1. the CSW's two visits (one 不在) arrive with the case's id: two contacts, at once
    outreach = _post(page, _token(s["csw"]), {
        "definition": "outreach", "person_id": s["person"].pk, "case_id": s["case"].pk,
        "answers": _base("outreach", person=_block(s["person"]), contacts=[
            {"at": at[0], "method": "visit", "reached": False, "not_reached_reason": "absent",
             "relationship_stage": "not_met", "summary": "不在。手紙を投函した"},
            {"at": at[1], "method": "visit", "reached": True, "met_whom": "self",
             "relationship_stage": "contacted", "summary": "玄関先で本人と5分話せた"}])})
    assert [d["kind"] for d in outreach["derived"]] == ["contact", "contact"]
    sheet_url = f"/sheets/records/{outreach['id']}/"
    _as(page, "csw")
    page.goto(sheet_url)
    assert "この帳票から作成: 支援記録 2件" in page.inner_text("[data-testid=sheet-derived]")
    screenshot(page, "sheet-links-outreach", device)
    page.click("[data-testid='derived-contact:0'] a")
    page.wait_for_selector("[data-testid=timeline]")
    timeline = page.inner_text("[data-testid=timeline]")
    assert "（不在・会えず）：不在。手紙を投函した" in timeline and "玄関先で本人と5分話せた" in timeline
    assert page.locator(f"[data-testid=timeline] a[href='{sheet_url}']").count() == 2  # links back
    _as(page, "houkatsu1")  # no consent, no involvement: neither the sheet nor the case exist
    assert _status(page, sheet_url) == 404 and _status(page, case_url) == 404
    _as(page, "renrakuin")
    assert _status(page, case_url) == 403

    # 2. the 推進員's 終結・評価 sheet waits as a proposal until approved on its page
    closure = _post(page, _token(s["suishin"]), {
        "definition": "closure_evaluation", "person_id": s["person"].pk, "case_id": s["case"].pk,
        "answers": _base("closure_evaluation", person=_block(s["person"]), reason="connected",
                         follow_up="end",
                         closed_on=timezone.localdate().isoformat(),
                         changes="週1回、本人が拠点に来るようになった")})
    assert closure["derived"] == [] and closure["derivations"][0]["status"] == "pending"
    _as(page, "suishin")
    page.goto(f"/sheets/records/{closure['id']}/")
    screenshot(page, "sheet-links-closure-proposal", device)
    page.click("[data-testid=derived-confirm]")
    page.wait_for_selector("[data-testid=derived-summary]:has-text('終結')")
    page.goto(case_url)
    assert page.inner_text("[data-testid=case-status]").strip() == "終結"
    _as(page, "csw")  # the involved CSW still reads the case (now 終結)
    assert _status(page, case_url) == 200

    # 3. 障害相談's 包括的相談支援 (多機関協働へ): the 推進員 decides and opens a case from it
    consult = _post(page, _token(s["shougai"]), {
        "definition": "comprehensive_consultation", "person_id": s["other"].pk,
        "answers": _base("comprehensive_consultation", person=_block(s["other"]),
                         own_action="multi_agency",
                         summary="就労が続かず、家族とも疎遠。多機関での支援が要る")})
    consult_url = f"/sheets/records/{consult['id']}/"
    _as(page, "shougai")
    page.goto(consult_url)
    assert "推進員が多機関協働の要否を判断し" in page.inner_text("[data-testid=sheet-derived]")
    _as(page, "suishin")
    assert _status(page, consult_url) == 200  # the consent names the city (part A)
    page.click("[data-testid=open-case-from-sheet]")
    page.wait_for_selector("h1:has-text('帳票からケースを開く')")
    page.click("button:has-text('受付する')")
    page.wait_for_selector("[data-testid=case-status]:has-text('受付')")
    new_case = re.sub(r"^https?://[^/]+", "", page.url)
    page.goto(consult_url)
    assert "この帳票から作成: ケース#" in page.inner_text("[data-testid=sheet-derived]")
    screenshot(page, "sheet-links-consultation-case", device)
    _as(page, "houkatsu1")
    assert _status(page, consult_url) == 404 and _status(page, new_case) == 404
