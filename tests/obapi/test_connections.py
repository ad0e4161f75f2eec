"""Manabi as a client of another OB 3.0 host: connect (discovery → registration → code + PKCE),
pull, refresh, reconnect, host down, disconnect. The other host is this same site on a live server
(another learner's account there), reached over real HTTP through the SSRF-guarded client."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from badges.models import Badge
from obapi import connections, crypto
from obapi.models import Connection, Consent
from obapi.tasks import pull_connection_task
from tests.conftest import make_learner
from tests.factories import make_badge
from tests.obapi.support import PROFILE_READ, READ
from tests.support.signed import DidKeyIssuer

pytestmark = pytest.mark.django_db(transaction=True)
CALLBACK = "http://127.0.0.1:9/connections/callback/"


@pytest.fixture
def host(live_server, settings):
    """The other host's base URL, on 127.0.0.1 (allowed through the private-address guard for tests)."""
    settings.BADGE_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    return live_server.url.replace("localhost", "127.0.0.1")


@pytest.fixture
def school_account(db):
    """Hana's account on the other host, holding OB 3.0 credentials issued to hana@example.org."""
    return make_learner("hana.sato@school.example")


def give_credentials(account, issuer: DidKeyIssuer, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        text = issuer.data_integrity(index=None)
        make_badge(
            account, spec_version="3.0", format="data_integrity", raw_payload=text, badge_id=json.loads(text)["id"]
        )
        ids.append(json.loads(text)["id"])
    return ids


def connect(user, host: str, school_account) -> Connection:
    connection, authorize_url = connections.start_connection(owner=user, address=host, redirect_uri=CALLBACK)
    at_host = Client(HTTP_ACCEPT_LANGUAGE="en")
    at_host.force_login(school_account)
    parts = urlsplit(authorize_url)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert at_host.get(f"{parts.path}?{parts.query}").status_code == 200
    form = {**params, "granted": params["scope"].split(), "allow": "1"}
    answered = at_host.post(f"{parts.path}?{parts.query}", form)
    query = parse_qs(urlsplit(answered["Location"]).query)
    return connections.finish_connection(
        owner=user, state=query["state"][0], code=query["code"][0], error="", redirect_uri=CALLBACK
    )


def test_connecting_registers_manabi_and_stores_tokens_only_encrypted(user, host, school_account):
    connection = connect(user, host, school_account)

    assert connection.state == Connection.State.ACTIVE
    assert connection.name == "Manabi"
    assert set(connection.scope.split()) == {READ, PROFILE_READ}
    raw = crypto.decrypt(connection.access_token_enc)
    assert raw and raw not in connection.access_token_enc
    assert crypto.decrypt(connection.refresh_token_enc) not in connection.refresh_token_enc
    assert connection.pkce_verifier_enc == "" and connection.auth_state == ""
    assert Consent.objects.get(user=school_account).application.name == "Manabi"


def test_a_pull_imports_each_credential_verified_and_a_second_pull_adds_nothing(
    user, host, school_account, issuer_server
):
    ids = give_credentials(school_account, DidKeyIssuer(issuer_server).publish(), 3)
    connection = connect(user, host, school_account)

    report = connections.pull_connection(connection=connection)

    assert report.imported == 3 and not report.refused
    mine = Badge.objects.filter(owner=user)
    assert sorted(mine.values_list("badge_id", flat=True)) == sorted(ids)
    assert set(mine.values_list("status", flat=True)) == {"valid"}
    connection.refresh_from_db()
    assert connection.imported_count == 3 and connection.last_error == "" and connection.pulled_until
    assert connections.pull_connection(connection=connection).imported == 0
    assert Badge.objects.filter(owner=user).count() == 3


def test_credentials_for_someone_else_are_refused_and_reported(user, host, school_account, issuer_server):
    give_credentials(school_account, DidKeyIssuer(issuer_server, email="kenji@example.org").publish(), 1)
    connection = connect(user, host, school_account)

    report = connections.pull_connection(connection=connection)

    assert report.imported == 0 and len(report.refused) == 1
    assert not Badge.objects.filter(owner=user).exists()
    connection.refresh_from_db()
    assert connection.last_error.startswith("1 件")


def test_an_expired_access_token_is_refreshed_before_pulling(user, host, school_account, issuer_server):
    give_credentials(school_account, DidKeyIssuer(issuer_server).publish(), 1)
    connection = connect(user, host, school_account)
    old_access = crypto.decrypt(connection.access_token_enc)
    connection.access_expires_at = timezone.now() - timedelta(minutes=1)
    connection.save()

    report = connections.pull_connection(connection=connection)

    connection.refresh_from_db()
    assert report.imported == 1
    assert crypto.decrypt(connection.access_token_enc) != old_access
    assert connection.state == Connection.State.ACTIVE


def test_access_revoked_at_the_host_asks_the_learner_to_reconnect_and_loses_nothing(
    user, host, school_account, issuer_server
):
    give_credentials(school_account, DidKeyIssuer(issuer_server).publish(), 1)
    connection = connect(user, host, school_account)
    connections.pull_connection(connection=connection)
    Consent.objects.get(user=school_account).delete()
    AccessToken.objects.filter(user=school_account).delete()
    from oauth2_provider.models import RefreshToken

    RefreshToken.objects.filter(user=school_account).delete()

    connections.pull_connection(connection=connection)

    connection.refresh_from_db()
    assert connection.state == Connection.State.RECONNECT
    assert "もう一度接続してください" in connection.last_error
    assert Badge.objects.filter(owner=user).count() == 1


def test_a_host_that_is_down_is_tried_later_and_since_does_not_move(user, host, school_account):
    connection = connect(user, host, school_account)
    connection.endpoints = {**connection.endpoints, "api": "http://127.0.0.1:9/ims/ob/v3p0"}
    connection.pulled_until = timezone.now() - timedelta(days=2)
    connection.save()
    before = connection.pulled_until

    connections.pull_connection(connection=connection)

    connection.refresh_from_db()
    assert connection.state == Connection.State.ACTIVE
    assert connection.consecutive_failures == 1
    assert connection.next_pull_at > timezone.now() + timedelta(minutes=30)
    assert connection.pulled_until == before
    assert "127.0.0.1:9" in connection.last_error


def test_disconnecting_revokes_the_tokens_at_the_host(user, host, school_account):
    connection = connect(user, host, school_account)
    assert AccessToken.objects.filter(user=school_account).exists()

    assert connections.disconnect(connection=connection) is True

    assert not Connection.objects.exists()
    assert not AccessToken.objects.filter(user=school_account).exists()


def test_connecting_to_a_private_address_is_refused_in_production(user, live_server, settings):
    settings.BADGE_FETCH_ALLOW_HOSTS = []

    with pytest.raises(connections.ConnectError, match="プライベート"):
        connections.start_connection(owner=user, address=live_server.url, redirect_uri=CALLBACK)
    assert not Connection.objects.exists()


def test_a_site_without_an_ob3_discovery_document_is_refused(user, issuer_server):
    issuer_server.serve("/ims/ob/v3p0/discovery", {"openapi": "3.0.1", "info": {}})

    with pytest.raises(connections.ConnectError, match="Open Badges 3.0 サービスの説明がありません"):
        connections.start_connection(owner=user, address=issuer_server.url("/"), redirect_uri=CALLBACK)


def test_coming_back_with_an_unknown_state_connects_nothing(user):
    with pytest.raises(connections.ConnectError, match="期限切れ"):
        connections.finish_connection(owner=user, state="forged", code="x", error="", redirect_uri=CALLBACK)


def test_the_due_pass_picks_active_connections_whose_time_has_come(user, host, school_account, issuer_server):
    give_credentials(school_account, DidKeyIssuer(issuer_server).publish(), 1)
    connection = connect(user, host, school_account)

    assert connections.due_connections() == [connection.pk]
    assert pull_connection_task(connection.pk) == "imported 1"
    assert connections.due_connections() == []


def test_the_connections_page_starts_at_the_hosts_consent_page(client, user, host):
    client.force_login(user)

    response = client.post("/connections/", {"address": host})

    assert response.status_code == 200
    target = response.context["authorize_url"]
    assert target.startswith(host + "/oauth/authorize?") and "code_challenge_method=S256" in target
    assert f'content="0;url={target.replace("&", "&amp;")}"' in response.content.decode()
    assert Connection.objects.get(owner=user).state == Connection.State.PENDING


def test_the_connections_page_explains_a_refusal(client, user, settings):
    client.force_login(user)

    response = client.post("/connections/", {"address": "ftp://nowhere"})

    assert "https://" in response.content.decode()
    assert not Connection.objects.exists()


def test_export_lists_connections_and_apps_and_deletion_revokes_them(user, host, school_account):
    from accounts.services import delete_account, export_account

    connect(user, host, school_account)
    exported = export_account(user=user)
    assert exported["connected_hosts"][0]["name"] == "Manabi"
    assert "access_token" not in json.dumps(exported)
    assert export_account(user=school_account)["connected_apps"][0]["client"] == "Manabi"

    delete_account(user=user)

    assert not Connection.objects.exists()
    assert not AccessToken.objects.filter(user=school_account).exists()


def test_check_now_queues_a_pull_and_disconnect_forgets_the_host(client, user, host, school_account, monkeypatch):
    queued = []
    monkeypatch.setattr("obapi.tasks.enqueue_pull", queued.append)
    connection = connect(user, host, school_account)
    client.force_login(user)

    client.post(f"/connections/{connection.public_id}/", {"pull": "1"})
    assert queued == [connection.pk]

    client.post(f"/connections/{connection.public_id}/", {"disconnect": "1"})
    assert not Connection.objects.exists()
    assert not AccessToken.objects.filter(user=school_account).exists()


def test_another_learners_connection_is_404(client, user, host, school_account):
    connection = connect(user, host, school_account)
    client.force_login(make_learner("kenji@example.org"))

    assert client.post(f"/connections/{connection.public_id}/", {"disconnect": "1"}).status_code == 404
    assert client.post("/connections/not-a-uuid/", {"disconnect": "1"}).status_code == 404
    assert Connection.objects.filter(pk=connection.pk).exists()


def test_the_connections_page_lists_hosts_with_a_fixed_number_of_queries(client, user, django_assert_max_num_queries):
    for n in range(5):
        Connection.objects.create(owner=user, base_url=f"https://w{n}.example/", name=f"W{n}", state="active")
    client.force_login(user)

    with django_assert_max_num_queries(6):
        page = client.get("/connections/")
    assert page.content.decode().count("<li>") >= 5
