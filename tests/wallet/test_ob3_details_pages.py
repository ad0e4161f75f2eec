"""The badge pages show an OB 3.0 badge's achievement type, results, credits and names in the viewer's language."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from badges.openbadges import signing
from badges.services import import_badge
from tests.openbadges.test_ob3_details import rich_credential

pytestmark = pytest.mark.django_db


def test_owner_page_shows_results_credits_and_the_japanese_name(client, user):
    credential = rich_credential()
    key, did = signing.generate_ed25519_did_key()
    credential["issuer"]["id"] = did
    signed = signing.sign_data_integrity(credential, private_key=key, verification_method=signing.did_key_method(did))
    badge = import_badge(owner=user, payload=json.dumps(signed))
    client.force_login(user)

    html = client.get(reverse("badge_detail", args=[badge.public_id]), HTTP_ACCEPT_LANGUAGE="ja").content.decode()

    assert "チームワーク" in html
    assert "Certificate" in html
    assert "Final grade" in html and "Excellent" in html
    assert "1.5" in html
