"""Import keeps only what it can stand behind: a forgery's unreachable key is a refusal, not a badge."""

from __future__ import annotations

import json

import pytest

from badges.models import Badge, CachedDocument
from badges.openbadges import signing
from badges.services import ImportRefused, import_badge
from tests.support.hosted import hashed_email
from tests.support.signed import DidKeyIssuer, SignedOb2Issuer

pytestmark = pytest.mark.django_db


def test_an_ob2_jws_whose_key_url_answers_404_is_refused_and_nothing_is_stored(user, issuer_server):
    issuer = SignedOb2Issuer(issuer_server, recipient="hana@example.org").publish()
    token = issuer.token()
    issuer_server.routes.pop("/signed/key")  # the "issuer" never had this key: 404

    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, payload=token)

    # Before: kept as "could not re-check" with the forger's name, issuer and image on public pages.
    assert refused.value.code == "unverifiable"
    assert "404" in refused.value.message
    assert not Badge.objects.exists()


def test_an_ob3_proof_whose_key_url_is_refused_by_the_address_rules_is_refused(user, issuer_server):
    key, _did = signing.generate_ed25519_did_key()
    credential = signing.build_credential(
        issuer="https://10.0.0.1/issuer",
        issuer_name="The University of Tokyo",
        identifiers=[
            {"identityType": "emailAddress", "hashed": True, "identityHash": hashed_email("hana@example.org")}
        ],
    )
    signed = signing.sign_data_integrity(credential, private_key=key, verification_method="https://10.0.0.1/keys#1")

    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, payload=json.dumps(signed))

    assert refused.value.code == "unverifiable"
    assert not Badge.objects.exists()


def test_a_credential_with_an_unknown_context_is_refused_with_the_reason(user, issuer_server):
    vc = DidKeyIssuer(issuer_server).publish()
    signed = json.loads(vc.data_integrity())
    # Added after signing (it could not be signed: nothing can canonicalise an unknown context).
    signed["@context"] = [*signed["@context"], "https://contexts.example/unknown.json"]

    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, payload=json.dumps(signed))

    assert refused.value.code == "unsupported"
    assert "https://contexts.example/unknown.json" in refused.value.message
    assert not Badge.objects.exists()


def test_a_badge_whose_issuer_only_times_out_is_still_kept(user, issuer_server, settings):
    issuer = SignedOb2Issuer(issuer_server, recipient="hana@example.org").publish()
    token = issuer.token()
    issuer_server.stop()  # connection refused: may work tomorrow

    badge = import_badge(owner=user, payload=token)

    # Kept as "not yet checked" (never checked is not "could not re-check since").
    assert badge.status == "pending"
    assert CachedDocument.objects.count() == 0


def test_a_pasted_poison_graph_is_refused_in_well_under_a_second(user):
    import time

    from tests.support.poison import poison_text

    started = time.process_time()
    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, payload=poison_text(8))
    # Before: > 30 s of CPU in RDF canonicalisation, before any key was looked at.
    assert time.process_time() - started < 1.0
    assert refused.value.code == "invalid" and "構造が複雑すぎる" in refused.value.message
    assert not Badge.objects.exists()


def test_a_bomb_png_carrying_a_valid_badge_is_refused_and_not_stored(user, issuer_server):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.openbadges.test_hostile_inputs import _with_declared_size
    from tests.support.hosted import HostedBadge

    png = HostedBadge(issuer_server).publish().baked_png()
    bomb = _with_declared_size(png, 30000, 30000)
    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, upload=SimpleUploadedFile("bomb.png", bomb, content_type="image/png"))
    # The same words as every other image bomb (issue 12), in the learner's language.
    from django.utils.translation import gettext

    from badges.openbadges.baking import IMAGE_BOMB_MESSAGE

    assert refused.value.message == gettext(IMAGE_BOMB_MESSAGE)
    assert not Badge.objects.exists()
