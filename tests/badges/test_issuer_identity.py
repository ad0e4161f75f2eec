"""The issuer a viewer reads is the one the checks proved, not the name a badge gives itself."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from badges.models import Badge, KnownIssuer
from badges.registry import import_csv
from badges.services import import_badge
from tests.support.hosted import OB2_CONTEXT, HostedBadge
from tests.support.signed import DidKeyIssuer
from wallet.models import Portfolio
from wallet.services import add_badge_to_portfolio, create_portfolio

pytestmark = pytest.mark.django_db

REAL_SITE = "https://www.u-tokyo.ac.jp/"


def impostor(issuer_server) -> HostedBadge:
    """A hosted badge on any server, claiming to be the University of Tokyo."""
    hosted = HostedBadge(issuer_server).publish()
    issuer_server.serve(
        "/issuer",
        {
            "@context": OB2_CONTEXT,
            "type": "Issuer",
            "id": hosted.issuer_url,
            "name": "The University of Tokyo",
            "url": REAL_SITE,
        },
    )
    return hosted


def public_page(client, user, badge: Badge) -> str:
    portfolio = create_portfolio(owner=user, title="AO", visibility=Portfolio.Visibility.UNLISTED)
    add_badge_to_portfolio(portfolio=portfolio, badge=badge)
    return client.get(f"/p/{portfolio.slug}/b/{badge.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_an_impostor_issuer_is_shown_with_its_verified_origin_and_a_warning(client, user, issuer_server):
    badge = import_badge(owner=user, url=impostor(issuer_server).assertion_url)
    html = public_page(client, user, badge)

    assert badge.verified_issuer == "127.0.0.1"
    assert "The University of Tokyo" in html
    assert "(name as the issuer declares it)" in html
    assert "Verified issuer identity:" in html and "127.0.0.1" in html
    assert "The homepage this issuer gives (www.u-tokyo.ac.jp) is not on its verified domain (127.0.0.1)." in html
    # Before: the self-declared name was linked to the real university's site.
    assert f'href="{REAL_SITE}"' not in html


def test_a_did_key_credential_names_its_did_not_its_claimed_name(client, user, issuer_server):
    vc = DidKeyIssuer(issuer_server, email="hana@example.org").publish()
    credential = vc.credential()
    credential["issuer"]["name"] = "The University of Tokyo"
    badge = import_badge(owner=user, payload=vc.sign_data_integrity(credential))
    html = public_page(client, user, badge)

    assert badge.verified_issuer == vc.did
    assert vc.did in html
    assert "(name as the issuer declares it)" in html


def test_a_registered_issuer_is_shown_under_its_official_name_once_the_operator_adds_it(client, user, issuer_server):
    badge = import_badge(owner=user, url=HostedBadge(issuer_server).publish().assertion_url)
    assert "registered issuer" not in public_page(client, user, badge)

    outcome = import_csv("identity,official_name,note\n127.0.0.1,Prefectural Learning Centre (official),network\n")
    badge.refresh_from_db()

    assert (outcome.created, outcome.skipped) == (1, 0)
    assert badge.registered_issuer_name == "Prefectural Learning Centre (official)"
    html = public_page(client, user, badge)
    assert "registered issuer: Prefectural Learning Centre (official)" in html
    assert "(name as the issuer declares it)" not in html


def test_a_registered_domain_covers_its_subdomains_and_dids_match_exactly(db):
    from badges.registry import registered_name

    KnownIssuer.objects.create(identity="u-tokyo.ac.jp", official_name="東京大学")
    KnownIssuer.objects.create(identity="did:key:z6Mkabc", official_name="DID issuer")
    assert registered_name("badges.u-tokyo.ac.jp") == "東京大学"
    assert registered_name("u-tokyo.ac.jp.evil.example") == ""
    assert registered_name("did:key:z6Mkabc") == "DID issuer"
    assert registered_name("did:key:z6Mkabd") == ""


def test_the_operator_imports_known_issuers_from_csv_in_the_admin(admin_client, user, issuer_server):
    badge = import_badge(owner=user, url=HostedBadge(issuer_server).publish().assertion_url)
    csv_file = SimpleUploadedFile("members.csv", b"127.0.0.1,Prefectural Learning Centre\n,missing\n")

    response = admin_client.post("/admin/badges/knownissuer/import-csv/", {"file": csv_file})

    assert response.status_code == 302
    assert KnownIssuer.objects.get().official_name == "Prefectural Learning Centre"
    badge.refresh_from_db()
    assert badge.registered_issuer_name == "Prefectural Learning Centre"
    assert admin_client.get("/admin/badges/knownissuer/").status_code == 200
    assert admin_client.get("/admin/badges/knownissuer/import-csv/").status_code == 200
