import pytest
from django.urls import reverse

from kasane.accounts.models import ApiToken, Membership


@pytest.mark.django_db
def test_it_issues_a_token_shown_once_and_revokes_it(city, client) -> None:
    client.force_login(city.recorder)
    membership = Membership.objects.get(user=city.recorder)
    page = client.post(reverse("accounts:tokens"), {"name": "連携", "membership": membership.pk})
    key = page.context["new_key"]
    assert key.startswith("ksn_") and key in page.content.decode()
    token = ApiToken.objects.get(user=city.recorder)
    assert token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash
    assert key not in client.get(reverse("accounts:tokens")).content.decode()
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_it_does_not_revoke_someone_elses_token(city, client) -> None:
    from kasane.accounts.services import api_token_issue

    api_token_issue(user=city.partner)
    theirs = ApiToken.objects.get(user=city.partner)
    client.force_login(city.recorder)
    client.post(reverse("accounts:token_revoke", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
