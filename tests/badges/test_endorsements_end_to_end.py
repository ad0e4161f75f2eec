"""Endorsements end to end: a real issuer on 127.0.0.1, import, the owner's and the public badge page,
the API, and ``manage.py verify_badge --json``. An endorsement never changes the badge's verdict.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from badges.models import Status
from badges.services import import_badge
from tests.badges.test_verify_badge_command import cli, write  # noqa: F401 (the cli fixture)
from tests.support.endorsements import endorsement_credential, hosted_ob2_endorsement, with_endorsements
from tests.support.hosted import HostedBadge
from tests.support.signed import DidKeyIssuer
from tests.support.web_keys import WebKeyIssuer
from wallet.models import Portfolio
from wallet.services import add_badge_to_portfolio, create_portfolio

pytestmark = pytest.mark.django_db


def endorse_badge_class(server, hosted: HostedBadge, endorsement_url: str) -> None:
    path = f"/badges/{hosted.class_slug}"
    badge_class = json.loads(server.routes[path].body)
    badge_class["endorsement"] = [endorsement_url]
    server.serve(path, badge_class)


def shown(client, user, badge) -> tuple[str, str]:
    portfolio = create_portfolio(owner=user, title="Admissions", description="")
    add_badge_to_portfolio(portfolio=portfolio, badge=badge)
    portfolio.visibility = Portfolio.Visibility.UNLISTED
    portfolio.save()
    client.force_login(user)
    owner = client.get(reverse("badge_detail", args=[badge.public_id])).content.decode()
    client.logout()
    public = client.get(f"/p/{portfolio.slug}/b/{badge.public_id}/").content.decode()
    return owner, public


def test_an_ob2_hosted_endorsement_is_verified_and_shown_on_both_pages_and_in_the_api(client, user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    endorse_badge_class(issuer_server, hosted, hosted_ob2_endorsement(issuer_server, about=hosted.badge_class_url))

    badge = import_badge(owner=user, url=hosted.assertion_url)

    assert badge.status == Status.VALID
    (endorsement,) = badge.endorsements
    assert endorsement["verified"] is True and endorsement["about"] == "achievement"
    for page in shown(client, user, badge):
        assert "Kyoto Skills Council" in page
        assert "Well designed." in page
    api = APIClient()
    api.force_authenticate(user)
    data = api.get(f"/api/v1/badges/{badge.public_id}/").json()
    assert data["endorsements"][0]["endorser"] == "Kyoto Skills Council"
    assert data["endorsements"][0]["verified"] is True


def test_an_ob2_endorsement_hosted_where_its_endorser_does_not_allow_is_not_verified(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    url = hosted_ob2_endorsement(issuer_server, about=hosted.badge_class_url)
    issuer_server.serve(
        "/endorser",
        {
            "type": "Profile",
            "id": issuer_server.url("/endorser"),
            "name": "Kyoto Skills Council",
            "verification": {"allowedOrigins": ["endorser.example"]},
        },
    )
    endorse_badge_class(issuer_server, hosted, url)
    badge = import_badge(owner=user, url=hosted.assertion_url)
    assert badge.status == Status.VALID
    assert badge.endorsements[0]["verified"] is False
    assert badge.endorsements[0]["status"] == "invalid"


def test_an_unreachable_ob2_endorsement_is_unreachable_and_the_badge_still_valid(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    url = hosted_ob2_endorsement(issuer_server, about=hosted.badge_class_url)
    issuer_server.serve("/endorsements/1", b"", status=503)
    endorse_badge_class(issuer_server, hosted, url)
    badge = import_badge(owner=user, url=hosted.assertion_url)
    assert badge.status == Status.VALID
    assert badge.endorsements[0]["status"] == "unreachable"


def ob3_with_web_endorser(server, *, listed: bool, tamper: bool = False) -> str:
    issuer = DidKeyIssuer(server).publish()
    endorser = WebKeyIssuer(server, suite="eddsa-rdfc-2022").publish(listed=listed)
    endorsement = json.loads(
        endorser.sign(endorsement_credential(endorser.issuer_id, about="urn:example:badge", comment="Rigorous."))
    )
    if tamper:
        endorsement["credentialSubject"]["endorsementComment"] = "The best in Japan."
    return issuer.sign_data_integrity(with_endorsements(issuer.credential(), badge=[endorsement]))


@pytest.mark.parametrize(
    ("listed", "tamper", "stop", "expected"),
    [
        (True, False, False, "valid"),
        (True, True, False, "invalid"),
        (False, False, False, "invalid"),
        (True, False, True, "unreachable"),
    ],
    ids=["valid", "tampered", "key-not-published", "endorser-unreachable"],
)
def test_ob3_endorsements_through_verify_badge_json(issuer_server, cli, tmp_path, listed, tamper, stop, expected):  # noqa: F811
    payload = ob3_with_web_endorser(issuer_server, listed=listed, tamper=tamper)
    path = write(tmp_path, "badge.json", payload)
    if stop:
        issuer_server.routes.pop("/issuer")
    run = cli(path, "--json")
    report = run.json()
    assert report["status"] == "valid", report  # the badge's own verdict
    (endorsement,) = report["endorsements"]
    assert endorsement["status"] == expected
    assert endorsement["verified"] is (expected == "valid")
    assert endorsement["endorser"] == "Kyoto Skills Council"
