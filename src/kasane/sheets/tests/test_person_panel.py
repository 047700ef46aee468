"""The 「帳票」 panel on the person page (``sheets.panels.person_sheets`` on page ``people.person``):
only records the viewer may see, and the listing is logged."""

from __future__ import annotations

from kasane.audit.models import AccessLog
from kasane.people.services import person_create
from kasane.people.tests.factories import make_consent
from kasane.sheets import services

from .factories import actor


def test_the_person_page_lists_only_the_viewers_visible_sheets(city, client) -> None:
    me = actor(city.recorder)
    person = person_create(actor=me, fields={"family_name": "森", "given_name": "明子",
                                             "family_name_kana": "モリ", "given_name_kana": "アキコ"})
    record = services.record_create(actor=me, code="nine_grid", submit=True, person_id=person.pk,
                                    answers={"center": "買い物に行けない", "cell_1": "近所の店"})
    client.force_login(city.recorder)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert 'data-testid="person-sheets"' in page and f'href="/sheets/records/{record.pk}/"' in page
    assert AccessLog.objects.filter(user=city.recorder, action="sheet_record_list",
                                    object_id=str(record.pk)).exists()

    # 地域包括 may see the person on a consent for 参加支援 only: the consultation sheet stays
    # hidden (its purpose is 関係機関との情報共有).
    make_consent(city.recorder, person, [city.orgs["houkatsu"]], ["participation"])
    client.force_login(city.partner)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "森" in page and f"/sheets/records/{record.pk}/" not in page
    assert "閲覧できる帳票はありません。" in page

    # A consent for 情報共有 shares the sheet too, and the listing is logged with that basis.
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert f'href="/sheets/records/{record.pk}/"' in page
    assert AccessLog.objects.filter(user=city.partner, action="sheet_record_list",
                                    object_id=str(record.pk), basis="consent",
                                    person_id=person.pk).exists()
