"""Staff see registered clients, grants, tokens, consents and connected hosts in the admin, never secrets."""

from __future__ import annotations

import pytest

from obapi.models import Connection
from tests.obapi.conftest import grant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/oauth2_provider/application/",
        "/admin/oauth2_provider/grant/",
        "/admin/oauth2_provider/accesstoken/",
        "/admin/oauth2_provider/refreshtoken/",
        "/admin/obapi/clientinfo/",
        "/admin/obapi/consent/",
        "/admin/obapi/connection/",
        "/admin/obapi/profiledetails/",
    ],
)
def test_admin_lists_the_oauth_and_connection_tables(admin_client, user, client, platform, registered, path):
    client.force_login(user)
    grant(client, platform, registered)
    Connection.objects.create(
        owner=user, base_url="https://wallet.example/", name="Other wallet", access_token_enc="gAAAA-secret"
    )

    response = admin_client.get(path)

    assert response.status_code == 200
    assert "gAAAA-secret" not in response.content.decode()


def test_a_connection_page_in_the_admin_shows_no_secret(admin_client, user):
    connection = Connection.objects.create(
        owner=user, base_url="https://wallet.example/", name="Other wallet", access_token_enc="gAAAA-secret"
    )

    response = admin_client.get(f"/admin/obapi/connection/{connection.pk}/change/")

    assert response.status_code == 200
    assert "gAAAA-secret" not in response.content.decode()
