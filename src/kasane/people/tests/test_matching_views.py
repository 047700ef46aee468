"""名寄せ screens: queue, pair review, decisions, batch run button, merged page, unmerge."""

import datetime as dt
import re

import pytest

from kasane.audit.models import AccessLog
from kasane.people.models import MatchCandidate, MatchRun, PersonLink
from kasane.people.tests.factories import make_person
from kasane.people.tests.test_matching_services import TAKAHASHI, TAKAHASHI_2, pair

pytestmark = pytest.mark.django_db


def test_it_shows_the_queue_only_to_coordinators(city, client) -> None:
    pair(city)
    for user in (city.recorder, city.partner, city.outsider, city.admin, city.auditor, city.liaison):
        client.force_login(user)
        assert client.get("/people/matching/").status_code == 403, user
    client.force_login(city.coordinator)
    page = client.get("/people/matching/")
    assert page.status_code == 200
    assert "髙橋\u3000博" in page.text and "高橋\u3000博" in page.text
    home = client.get("/").text
    assert "判断できる候補（未確認・保留）1 件" in home
    assert "一致の可能性が高い" in home or "要確認" in home
    client.force_login(city.partner)
    assert "名寄せ候補" not in client.get("/").text


def test_it_filters_and_sorts_the_queue(city, client) -> None:
    pair(city)
    client.force_login(city.coordinator)
    assert "match-empty" in client.get("/people/matching/?status=same").text
    assert "data-testid=\"match-candidates\"" in client.get(
        "/people/matching/?status=pending&visibility=both&sort=band").text
    assert client.get("/people/matching/?status=bogus&sort=x").status_code == 200


def test_it_reviews_and_decides_same_then_shows_the_merged_page(city, client) -> None:
    a, b = pair(city)
    cand = MatchCandidate.objects.get()
    client.force_login(city.coordinator)
    page = client.get(f"/people/matching/{cand.pk}/")
    assert page.status_code == 200
    shown = re.sub(r"<[^>]+>", "", page.text)
    assert "異体字を同一視" in shown and "重ね市本町三丁目4番5号" in shown
    assert AccessLog.objects.filter(action="person.view", person_id=b.pk, user=city.coordinator,
                                    detail=f"名寄せ候補#{cand.pk}").exists()
    bad = client.post(f"/people/matching/{cand.pk}/", {"decision": "maybe"})
    assert bad.status_code == 400 and "いずれかを選んでください" in bad.text
    held = client.post(f"/people/matching/{cand.pk}/", {"decision": "hold"})
    assert held.status_code == 400 and "保留にする理由" in held.text
    response = client.post(f"/people/matching/{cand.pk}/", {"decision": "same", "note": "本人に確認"})
    assert response.status_code == 302 and response["Location"] == f"/people/{a.pk}/identity/"
    merged = client.get(f"/people/{a.pk}/identity/")
    assert merged.status_code == 200
    assert "髙橋\u3000博" in merged.text and "高橋\u3000博" in merged.text and "統合を解除" in merged.text
    detail = client.get(f"/people/{b.pk}/")
    assert "identity-summary" in detail.text
    # a decided pair offers no decision form any more
    assert "判断を記録" not in client.get(f"/people/matching/{cand.pk}/").text


def test_it_unmerges_from_the_merged_page(city, client) -> None:
    a, b = pair(city)
    cand = MatchCandidate.objects.get()
    client.force_login(city.coordinator)
    client.post(f"/people/matching/{cand.pk}/", {"decision": "same"})
    link = PersonLink.objects.get()
    before_a = client.get(f"/people/{a.pk}/").text
    missing = client.post(f"/people/links/{link.pk}/unmerge/", {"reason": ""})
    assert missing.status_code == 400 and "解除する理由" in missing.text
    client.force_login(city.partner)
    assert client.post(f"/people/links/{link.pk}/unmerge/", {"reason": "x"}).status_code == 403
    client.force_login(city.coordinator)
    done = client.post(f"/people/links/{link.pk}/unmerge/", {"reason": "別人と判明"})
    assert done.status_code == 302
    after_a = client.get(f"/people/{a.pk}/").text
    assert "identity-summary" in before_a and "identity-summary" not in after_a
    assert "identity-none" in client.get(f"/people/{a.pk}/identity/").text
    cand.refresh_from_db()
    assert cand.status == "pending"


def test_it_shows_only_that_a_candidate_exists_when_one_side_is_invisible(city, client) -> None:
    a = make_person(city.coordinator, **TAKAHASHI)  # the coordinator's own record
    b = make_person(city.outsider, **TAKAHASHI_2)  # 社協, shared with nobody
    cand = MatchCandidate.objects.get()
    client.force_login(city.coordinator)
    queue = client.get("/people/matching/")
    assert "髙橋\u3000博" in queue.text
    assert "高橋\u3000博" not in queue.text and "社協" not in queue.text
    assert "閲覧の根拠がないため表示しません" in queue.text
    page = client.get(f"/people/matching/{cand.pk}/")
    assert page.status_code == 200 and "match-one-side" in page.text
    for secret in ("高橋\u3000博", "重ね市本町3-4-5", f"/people/{b.pk}/", f"本人ID {b.pk}", "社協",
                   "スコア", "入れ替わり"):
        assert secret not in page.text, secret
    assert client.post(f"/people/matching/{cand.pk}/", {"decision": "same"}).status_code == 403
    assert not PersonLink.objects.exists()
    assert not AccessLog.objects.filter(person_id=b.pk, user=city.coordinator).exclude(
        basis="denied").exists()
    assert a.pk


def test_it_hides_a_pair_with_no_visible_side(city, client) -> None:
    pair(city, shared_with=("houkatsu",))
    cand = MatchCandidate.objects.get()
    client.force_login(city.coordinator)
    assert "match-empty" in client.get("/people/matching/").text
    assert client.get(f"/people/matching/{cand.pk}/").status_code == 404


def test_it_masks_comparisons_of_a_restricted_record(city, client) -> None:
    from kasane.people import services
    from kasane.people.tests.factories import actor

    a, b = pair(city)
    services.person_restriction_set(actor=actor(city.outsider), person=b, kind="dv",
                                    user_ids=[city.outsider.pk])
    cand = MatchCandidate.objects.get()
    client.force_login(city.coordinator)
    page = client.get(f"/people/matching/{cand.pk}/").text
    assert "閲覧制限のため表示しません" in page and "重ね市本町3-4-5" not in page
    assert f"{cand.score}" not in page


SAITO = {"family_name": "斎藤", "given_name": "幸子", "family_name_kana": "サイトウ",
         "given_name_kana": "サチコ", "birth_date": dt.date(1951, 9, 17),
         "address": "重ね市桜台2丁目7番1号", "phone": "03-5555-3202"}
SAITO_2 = {**SAITO, "family_name": "齋藤", "address": "重ね市南町1丁目3番8号",
           "phone": "090-5555-3203"}


def test_the_home_and_the_queue_count_the_same_candidates(city, client) -> None:
    pair(city)  # both records shared with the coordinator's organization: decidable
    make_person(city.coordinator, **SAITO)  # the coordinator's own record …
    make_person(city.outsider, **SAITO_2)  # … and one of 社協 they have no basis to see
    assert MatchCandidate.objects.count() == 2
    client.force_login(city.coordinator)
    home = client.get("/").text
    assert re.search(r'>名寄せ候補 <span class="count">1</span></h2>', home)
    assert "判断できる候補（未確認・保留）1 件。ほかに相手の記録を閲覧できない候補 1 件" in home
    queue = client.get("/people/matching/").text
    assert "該当 2 件：判断できる候補 1 件・相手の記録を閲覧できない候補 1 件" in queue
    # a 保留 candidate still waits for a decision: counted in both places alike
    cand = MatchCandidate.objects.filter(person_a__family_name="髙橋").get()
    client.post(f"/people/matching/{cand.pk}/", {"decision": "hold", "note": "本人に確認中"})
    assert re.search(r'>名寄せ候補 <span class="count">1</span></h2>', client.get("/").text)
    assert "判断できる候補 1 件" in client.get("/people/matching/").text


def test_it_shows_the_score_on_its_scale_and_the_band_in_words(city, client) -> None:
    pair(city)
    cand = MatchCandidate.objects.get()
    client.force_login(city.coordinator)
    page = client.get(f"/people/matching/{cand.pk}/").text
    assert cand.get_band_display() in page
    assert f"スコア {cand.score:.1f} 点" in page
    assert "候補の基準 18.0 点以上・「一致の可能性が高い」は 28.0 点以上" in page
    assert re.search(rf'<meter class="match-meter" min="0" max="\d+" low="18.0" high="28.0" '
                     rf'optimum="\d+" value="{cand.score:.1f}">', page)
    queue = client.get("/people/matching/").text
    assert f"スコア {cand.score:.1f}" in queue and "18.0 点以上が名寄せ候補" in queue


def _row(page: str, label: str) -> str:
    found = re.search(rf'<tr class="match-row-(\w+)" data-testid="compare-{label}">(.*?)</tr>',
                      page, re.S)
    assert found, label
    return f"{found.group(1)} {found.group(2)}"


def test_it_marks_what_differs_between_the_two_records(city, client) -> None:
    pair(city)
    cand = MatchCandidate.objects.get()
    client.force_login(city.coordinator)
    page = client.get(f"/people/matching/{cand.pk}/").text
    name = _row(page, "氏名")  # 髙/高: the same name to the engine, written differently
    assert name.startswith("notation ") and "表記の違い" in name
    assert '<mark class="match-diff">髙</mark>橋' in name and '<mark class="match-diff">高</mark>橋' in name
    assert "異体字を同一視" in name  # the engine's explanation beside it
    birth = _row(page, "生年月日")
    assert birth.startswith("differ ") and "月と日の入れ替わり" in birth
    mark = '<mark class="match-diff">{}</mark>'
    assert f"{mark.format(4)}月{mark.format(3)}日" in birth  # 4月3日 …
    assert f"{mark.format(3)}月{mark.format(4)}日" in birth  # … and 3月4日
    address = _row(page, "住所")  # 三丁目4番5号 / 3-4-5: one address, two notations
    assert address.startswith("notation ") and '<mark class="match-diff">' in address
    phone = _row(page, "電話")
    assert phone.startswith("missing ") and "片方のみ記載" in phone
    assert _row(page, "記録した組織").startswith("none ")


def test_it_calls_a_real_difference_a_difference(city, client) -> None:
    make_person(city.coordinator, **SAITO)
    make_person(city.coordinator, **SAITO_2)  # 齋藤/斎藤, another address and phone
    cand = MatchCandidate.objects.get()
    client.force_login(city.coordinator)
    page = client.get(f"/people/matching/{cand.pk}/").text
    assert _row(page, "氏名").startswith("notation ")
    for label in ("住所", "電話"):
        row = _row(page, label)
        assert row.startswith("differ ") and "相違" in row, label
    assert _row(page, "生年月日").startswith("same ")


def test_it_never_compares_masked_fields_in_the_clear(city, client) -> None:
    from kasane.people import services
    from kasane.people.tests.factories import actor

    a, b = pair(city)
    services.person_restriction_set(actor=actor(city.outsider), person=b, kind="dv",
                                    user_ids=[city.outsider.pk])
    cand = MatchCandidate.objects.get()
    client.force_login(city.coordinator)
    page = client.get(f"/people/matching/{cand.pk}/").text
    for label in ("住所", "電話"):
        row = _row(page, label)
        assert row.startswith("masked ") and "比較しません（閲覧制限）" in row
        assert "match-diff" not in row
    assert "重ね市本町3-4-5" not in page
    assert _row(page, "生年月日").startswith("differ ")  # unmasked fields are still compared


def test_it_starts_a_batch_run_from_the_queue(city, client, django_capture_on_commit_callbacks,
                                               settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "ENQUEUE_ON_COMMIT": False}}
    make_person(city.recorder, **TAKAHASHI)
    client.force_login(city.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/people/matching/run/").status_code == 302
    run = MatchRun.objects.get()
    assert run.status == "done" and run.persons == 1
    page = client.get("/people/matching/").text
    assert "完了" in page and "本人 1 件" in page
    assert "match-runs" in client.get("/people/matching/runs/").text
    client.force_login(city.recorder)
    assert client.post("/people/matching/run/").status_code == 403


WATANABE = {"family_name": "渡辺", "given_name": "茂", "family_name_kana": "ワタナベ",
            "given_name_kana": "シゲル", "birth_date": dt.date(1938, 12, 1),
            "phone": "03-5555-3301", "address": "重ね市浜田4丁目1番2号"}


def test_it_never_orders_or_filters_by_the_hidden_score(city, client) -> None:
    pair(city)  # decidable, lower score
    mine = make_person(city.coordinator, **WATANABE)
    make_person(city.outsider, **{**WATANABE, "family_name": "渡邉"})  # hidden side, higher score
    hidden = MatchCandidate.objects.get(person_a=mine)
    decidable = MatchCandidate.objects.exclude(pk=hidden.pk).get()
    assert hidden.score > decidable.score
    client.force_login(city.coordinator)
    for sort in ("score", "band"):
        text = client.get(f"/people/matching/?sort={sort}").text
        assert text.index(f"candidate-{decidable.pk}") < text.index(f"candidate-{hidden.pk}")
    assert f"candidate-{hidden.pk}" not in client.get("/people/matching/?band=high").text


def test_it_stops_listing_a_half_visible_pair_once_decided(city, client) -> None:
    from kasane.accounts.models import Membership, Role, User
    from kasane.people import services as ms
    from kasane.people.tests.factories import actor, make_consent

    mine = make_person(city.coordinator, **WATANABE)
    theirs = make_person(city.outsider, **{**WATANABE, "family_name": "渡邉"})
    cand = MatchCandidate.objects.get()
    make_consent(city.outsider, theirs, [city.orgs["houkatsu"]])
    make_consent(city.coordinator, mine, [city.orgs["houkatsu"]])
    hk = User.objects.create_user(username="hk_coord", password="x", municipality=city.municipality)
    Membership.objects.create(user=hk, organization=city.orgs["houkatsu"], role=Role.COORDINATOR)
    ms.match_decide(actor=actor(hk), candidate=cand, decision="different")
    client.force_login(city.coordinator)
    assert f"candidate-{cand.pk}" not in client.get("/people/matching/?status=all").text
    assert client.get(f"/people/matching/{cand.pk}/").status_code == 404


def test_it_offers_no_decision_on_an_emergency_basis(city, client) -> None:
    from kasane.access.services import emergency_access_request
    from kasane.people.tests.factories import actor

    make_person(city.coordinator, **TAKAHASHI)
    b = make_person(city.outsider, **TAKAHASHI_2)
    emergency_access_request(actor=actor(city.coordinator), person_id=b.pk,
                             reason="訪問時に応答がなく、安否確認のため連絡先を確認")
    cand = MatchCandidate.objects.get()
    client.force_login(city.coordinator)
    page = client.get(f"/people/matching/{cand.pk}/").text
    assert "緊急アクセスの根拠で閲覧している記録を含むため" in page and "判断を記録" not in page
    assert client.post(f"/people/matching/{cand.pk}/", {"decision": "same"}).status_code == 403
