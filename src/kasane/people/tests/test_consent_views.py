import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kasane.people.models import Consent
from kasane.people.tests.factories import make_consent, make_person

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _form(city, **extra):
    return {"organizations": [city.orgs["houkatsu"].pk], "purposes": ["information_sharing"],
            "obtained_on": "R6.4.1", "method": "written", **extra}


def test_it_records_a_consent_with_a_scan_served_only_with_a_basis(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.recorder)
    scan = SimpleUploadedFile("同意書.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/people/{person.pk}/consents/new/", _form(city, scanned_file=scan))
    assert response.status_code == 302, response.content.decode()[:2000]
    consent = Consent.objects.get()
    assert consent.obtained_on.isoformat() == "2024-04-01" and consent.scanned_file
    download = client.get(f"/people/consents/{consent.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(city.outsider)
    assert client.get(f"/people/consents/{consent.pk}/file/").status_code == 404


def test_it_refuses_a_fake_pdf(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.recorder)
    scan = SimpleUploadedFile("同意書.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(f"/people/{person.pk}/consents/new/", _form(city, scanned_file=scan))
    assert response.status_code == 400 and "一致しません" in response.text
    assert not Consent.objects.exists()


def test_it_requires_who_heard_an_oral_consent(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.recorder)
    response = client.post(f"/people/{person.pk}/consents/new/", _form(city, method="oral"))
    assert response.status_code == 400 and "聴取した職員" in response.text
    assert not Consent.objects.exists()


def test_it_offers_and_accepts_only_agencies_as_sharing_partners(city, client) -> None:
    from django.core.exceptions import ValidationError

    person = make_person(city.recorder)
    client.force_login(city.recorder)
    page = client.get(f"/people/{person.pk}/consents/new/").text
    assert "地域包括北部" in page and "監査担当" not in page  # a back office is not offered
    response = client.post(f"/people/{person.pk}/consents/new/",
                           _form(city, organizations=[city.orgs["audit"].pk]))
    assert response.status_code == 400 and not Consent.objects.exists()
    with pytest.raises(ValidationError):  # and the service refuses it too
        make_consent(city.recorder, person, [city.orgs["audit"]])


def test_it_refuses_recording_a_consent_without_a_basis(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.outsider)
    assert client.post(f"/people/{person.pk}/consents/new/", _form(city)).status_code == 404
    assert not Consent.objects.exists()


def test_it_withdraws_with_a_reason_and_not_twice(city, client) -> None:
    person = make_person(city.recorder)
    consent = make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    client.force_login(city.recorder)
    url = f"/people/consents/{consent.pk}/withdraw/"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "本人の申出"}).status_code == 302
    again = client.post(url, {"reason": "もう一度"})
    assert again.status_code == 400 and "既に撤回" in again.text
    client.force_login(city.partner)
    assert client.get(f"/people/{person.pk}/").status_code == 404
