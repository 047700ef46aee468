"""Run the test provider: ``python -m kasane.accounts.tests.oidc_provider.server PORT CLIENT_ID
SECRET REDIRECT_URI``. Migrates its SQLite file, creates the RSA key, the client and the users
of ``KASANE_TEST_OP_USERS``, then serves on 127.0.0.1:PORT until killed."""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> None:
    port, client_id, secret, redirect_uri = argv
    os.environ["DJANGO_SETTINGS_MODULE"] = "kasane.accounts.tests.oidc_provider.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client.objects.create(name="kasane", client_id=client_id, client_secret=secret,
                                   client_type="confidential", jwt_alg="RS256",
                                   require_consent=False, reuse_consent=True)
    client.redirect_uris = [redirect_uri]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))
    for entry in settings.TEST_USERS:
        get_user_model().objects.create_user(entry["username"], entry["email"], entry["password"])
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    run("127.0.0.1", int(port), get_wsgi_application(), threading=True, server_cls=WSGIServer)


if __name__ == "__main__":
    main(sys.argv[1:])
