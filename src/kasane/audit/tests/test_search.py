import re

import pytest
from django.urls import reverse

from kasane.audit import services
from kasane.audit.models import Basis


@pytest.mark.django_db
def test_it_shows_the_log_to_auditors_only(city, client) -> None:
    services.access_log(user=city.partner, action="person_view", basis=Basis.DENIED,
                        object_type="person", object_id=7, person_id=7)
    client.force_login(city.auditor)
    page = client.get(reverse("audit:search"), {"basis": "denied"})
    assert page.status_code == 200
    assert "person_view" in page.content.decode() and "拒否" in page.content.decode()
    for actor in (city.recorder, city.admin, city.coordinator, city.outsider):
        client.force_login(actor)
        assert client.get(reverse("audit:search")).status_code == 403


@pytest.mark.django_db
def test_it_never_shows_another_tenants_rows(city, client) -> None:
    services.access_log(user=city.other_admin, action="secret_other_city", basis=Basis.NOT_PERSONAL)
    client.force_login(city.auditor)
    assert "secret_other_city" not in client.get(reverse("audit:search")).content.decode()


@pytest.mark.django_db
def test_it_has_no_edit_or_delete_path(city, client) -> None:
    row = services.access_log(user=city.partner, action="x", basis=Basis.CONSENT)
    client.force_login(city.auditor)
    for method in ("post", "put", "delete"):
        response = getattr(client, method)(reverse("audit:search"), {"id": row.pk})
        assert response.status_code == 405


@pytest.mark.django_db
def test_it_gives_a_field_error_for_an_inverted_period(city, client) -> None:
    client.force_login(city.auditor)
    response = client.get(reverse("audit:search"),
                          {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 400
    assert "終了日は開始日以降" in response.content.decode()


@pytest.mark.django_db
def test_it_shows_change_history_to_auditors_only(city, client) -> None:
    org = city.orgs["shakyo"]
    before = services.snapshot(org, ["name"])
    org.name = "重ね市社協"
    services.change_record(user=city.admin, instance=org, operation="update", before=before,
                           after=services.snapshot(org, ["name"]), reason="名称変更")
    client.force_login(city.auditor)
    page = client.get(reverse("audit:changes"), {"model": "accounts.Organization"})
    assert page.status_code == 200
    assert "重ね市社協" in page.content.decode() and "名称変更" in page.content.decode()
    client.force_login(city.admin)
    assert client.get(reverse("audit:changes")).status_code == 403


@pytest.mark.django_db
def test_it_shows_actions_objects_and_bases_by_their_japanese_names(city, client) -> None:
    services.access_log(user=city.partner, action="sheet_record_list", basis=Basis.CONSENT,
                        object_type="people.Person", object_id=156, person_id=156)
    services.access_log(user=city.partner, action="case.view", basis=Basis.CASE_INVOLVEMENT,
                        object_type="cases.Case", object_id=12, person_id=156)
    client.force_login(city.auditor)
    html = client.get(reverse("audit:search")).content.decode()
    for shown in ("帳票の一覧表示", "本人 #156", "ケースの閲覧", "ケース #12", "本人同意",
                  "ケースへの関与"):
        assert shown in html, shown
    for code in (">sheet_record_list<", ">case.view<", ">people.Person 156<", ">cases.Case 12<"):
        assert code not in html, code  # codes only in the cells' title (hover)


@pytest.mark.django_db
def test_its_own_search_row_does_not_push_a_found_row_off_the_page(city, client) -> None:
    services.access_log(user=city.partner, action="person.view", basis=Basis.CONSENT)
    client.force_login(city.auditor)
    html = client.get(reverse("audit:search")).content.decode()
    assert "1 件" in html
    assert re.findall(r'data-testid="audit-action" title="([^"]+)"', html) == ["person.view"]


@pytest.mark.django_db
def test_its_filters_are_lists_of_names_grouped_by_area(city, client) -> None:
    client.force_login(city.auditor)
    html = client.get(reverse("audit:search")).content.decode()
    assert re.search(r'<select name="action"[^>]*>', html)
    assert '<optgroup label="帳票">' in html and '<optgroup label="ケース">' in html
    assert '<option value="sheet_record_list">帳票の一覧表示</option>' in html
    assert '<option value="area:ケース">ケースのすべての操作</option>' in html
    assert re.search(r'<select name="object_type"[^>]*>', html)
    assert '<option value="people.Person">本人</option>' in html
    assert re.search(r'<select name="basis"[^>]*>', html)
    assert '<option value="support_meeting">支援会議（法106条の6）</option>' in html


@pytest.mark.django_db
def test_it_filters_by_action_area_and_object_type(city, client) -> None:
    for action, otype in (("case.view", "cases.Case"), ("case.plan", "cases.Case"),
                          ("person.view", "people.Person"), ("sheet_record_view", "sheet_record")):
        services.access_log(user=city.partner, action=action, basis=Basis.CONSENT,
                            object_type=otype, object_id=1)
    client.force_login(city.auditor)

    def shown(**query: str) -> list[str]:
        response = client.get(reverse("audit:search"), query)
        assert response.status_code == 200
        return re.findall(r'data-testid="audit-action" title="([^"]+)"', response.content.decode())

    assert shown(action="case.view") == ["case.view"]
    assert sorted(shown(action="area:ケース")) == ["case.plan", "case.view"]
    assert shown(object_type="sheet_record") == ["sheet_record_view"]
    assert client.get(reverse("audit:search"), {"action": "no_such"}).status_code == 400


@pytest.mark.django_db
def test_it_keeps_the_model_and_object_id_parameters_of_the_change_history(city, client) -> None:
    org, other = city.orgs["shakyo"], city.orgs["library"]
    for target, name in ((org, "重ね市社協"), (other, "重ね市図書館")):
        before = services.snapshot(target, ["name"])
        target.name = name
        services.change_record(user=city.admin, instance=target, operation="update",
                               before=before, after=services.snapshot(target, ["name"]))
    client.force_login(city.auditor)
    html = client.get(reverse("audit:changes"),
                      {"model": "accounts.Organization", "object_id": str(org.pk)}).content.decode()
    assert "重ね市社協" in html and "重ね市図書館" not in html
    assert f"組織 #{org.pk}" in html and "変更" in html and "名称" in html
    assert '<option value="accounts.Organization" selected>組織</option>' in html
    # a part of a label still matches, as before; it stays selected as typed
    partial = client.get(reverse("audit:changes"), {"model": "Organization"})
    assert partial.status_code == 200
    text = partial.content.decode()
    assert "重ね市社協" in text and "重ね市図書館" in text
    assert '<option value="Organization" selected>Organization（を含む記録）</option>' in text
    assert client.get(reverse("audit:changes"), {"model": "people.Person"}).content.decode() \
        .count("重ね市") < text.count("重ね市")


@pytest.mark.django_db
def test_every_search_of_the_auditor_is_logged(city, client) -> None:
    from kasane.audit.models import AccessLog

    client.force_login(city.auditor)
    client.get(reverse("audit:search"), {"action": "area:ケース"})
    client.get(reverse("audit:changes"), {"model": "people.Person", "object_id": "3"})
    rows = list(AccessLog.objects.filter(user=city.auditor).order_by("id")
                .values_list("action", "detail"))
    assert rows == [("audit_search", "action=area%3A%E3%82%B1%E3%83%BC%E3%82%B9"),
                    ("audit_changes", "model=people.Person&object_id=3")]


@pytest.mark.django_db
def test_a_kind_from_the_list_is_that_kind_only_and_typed_text_matches_as_before(city, client) -> None:
    from kasane.audit.models import ChangeRecord

    for model in ("cases.Case", "cases.CaseGrant"):
        ChangeRecord.objects.create(municipality=city.municipality, model=model, object_id="5",
                                    operation="create", changes={"id": [None, 5]})
    client.force_login(city.auditor)

    def kinds(**query: str) -> list[str]:
        html = client.get(reverse("audit:changes"), query).content.decode()
        return sorted(re.findall(r'<td data-label="記録" title="([\w.]+) 5">', html))

    assert kinds(model="cases.Case", object_id="5") == ["cases.Case"]
    assert kinds(model="Case", object_id="5") == ["cases.Case", "cases.CaseGrant"]


@pytest.mark.django_db
def test_it_shows_changed_fields_and_values_by_name(city, client) -> None:
    from kasane.audit.models import ChangeRecord

    ChangeRecord.objects.create(
        municipality=city.municipality, model="cases.CaseGrant", object_id="7", operation="create",
        changes={"basis": [None, "support_meeting"], "valid_until": [None, "2027-01-08T16:00:00+00:00"],
                 "created_by_id": [None, 29], "created_at": [None, "2026-12-02T04:35:09+00:00"]})
    client.force_login(city.auditor)
    html = client.get(reverse("audit:changes")).content.decode()
    assert "ケースの閲覧根拠 #7" in html and "作成" in html
    assert "支援会議（法106条の6）" in html and "support_meeting" not in html.split("<tbody>")[1]
    assert "令和9年1月9日 01:00" in html and "2027-01-08T16" not in html
    assert "作成日時" in html and "created_at" not in html.split("<tbody>")[1].replace('title="created_at"', "")
