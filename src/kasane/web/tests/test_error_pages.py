import pytest


@pytest.mark.django_db
def test_it_shows_a_japanese_404(city, client) -> None:
    client.force_login(city.recorder)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


@pytest.mark.django_db
def test_it_shows_a_japanese_csrf_failure(city) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "再読み込み" in response.content.decode()


@pytest.mark.django_db
def test_it_logs_an_ordinary_refusal_as_one_warning_line(city, client, caplog) -> None:
    import logging

    client.force_login(city.recorder)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/audit/?q=secret")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    assert record.getMessage() == (f"403 GET /audit/ user={city.recorder.pk}: "
                                   "監査ログは監査担当のみが閲覧できます。")
    line = logging.Formatter("%(levelname)s %(name)s %(message)s").format(record)
    assert "Traceback" not in line and "\n" not in line


@pytest.mark.django_db
def test_it_keeps_the_traceback_of_a_server_error(city, client, caplog, monkeypatch) -> None:
    import logging

    from kasane.web import views

    def broken(request, exception=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.inbox, "sections_for", broken)
    client.raise_request_exception = False
    client.force_login(city.recorder)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert client.get("/").status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
