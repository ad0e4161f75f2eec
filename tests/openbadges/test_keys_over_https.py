"""Keys published over HTTPS: Data Integrity verificationMethod URLs and VC-JWT ``kid`` URLs (fake fetch).

The key must be the issuer's: published in the issuer's profile, or in a controller document whose
controller is the issuer and which the issuer lists under ``assertionMethod``. A key named only by
a URL fragment is never trusted; a ``jku`` header is never followed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from badges.openbadges import signing
from badges.openbadges.fetching import DictFetch
from badges.openbadges.ob3 import verify_ob3
from badges.openbadges.result import CheckResult, Status
from tests.openbadges.test_ob3_support import NOW
from tests.support.web_keys import WebKeyIssuer, multikey, public_jwk


class DictServer:
    """Stands in for ``IssuerServer``: what it serves lands in a ``DictFetch``."""

    def __init__(self, origin: str = "https://issuer.example") -> None:
        self.origin = origin
        self.fetch = DictFetch(allow_hosts={"127.0.0.1"})

    def url(self, path: str) -> str:
        return self.origin + path

    def serve(self, path: str, body: Any) -> None:
        self.fetch.documents[self.url(path)] = body


def verify(payload: str, fetch: DictFetch):
    return verify_ob3(payload, fetch=fetch, now=NOW)


SUITES = ["ecdsa-rdfc-2019", "ecdsa-jcs-2019", "eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-sd-2023"]


@pytest.mark.parametrize("key_form", ["multikey", "jwk"])
@pytest.mark.parametrize("suite", SUITES)
def test_a_key_published_in_the_issuers_profile_verifies(suite, key_form):
    server = DictServer()
    issuer = WebKeyIssuer(server, suite=suite, key_form=key_form).publish()  # type: ignore[arg-type]
    result = verify(issuer.sign(), server.fetch)
    assert result.status is Status.VALID, [c.text for c in result.checks]
    assert result.check("key").result is CheckResult.PASS
    assert server.fetch.calls == [issuer.issuer_id]


def test_a_p384_key_in_the_profile_verifies():
    server = DictServer()
    issuer = WebKeyIssuer(server, suite="ecdsa-rdfc-2019", curve=ec.SECP384R1()).publish()  # type: ignore[arg-type]
    assert verify(issuer.sign(), server.fetch).status is Status.VALID


@pytest.mark.parametrize("suite", SUITES)
def test_a_key_named_only_in_the_fragment_is_invalid(suite):
    server = DictServer()
    issuer = WebKeyIssuer(server, suite=suite).publish(listed=False)  # type: ignore[arg-type]
    result = verify(issuer.sign(), server.fetch)
    assert result.status is Status.INVALID
    assert "not listed" in result.check("signature").text


@pytest.mark.parametrize("suite", SUITES)
def test_an_unreachable_issuer_profile_is_unreachable_never_invalid(suite):
    server = DictServer()
    issuer = WebKeyIssuer(server, suite=suite)  # type: ignore[arg-type]
    server.serve("/issuer", 503)
    result = verify(issuer.sign(), server.fetch)
    assert result.status is Status.UNREACHABLE


def test_a_key_signed_by_another_key_than_the_published_one_is_invalid():
    server = DictServer()
    issuer = WebKeyIssuer(server).publish()  # type: ignore[arg-type]
    result = verify(issuer.sign(signer=ec.generate_private_key(ec.SECP256R1())), server.fetch)
    assert result.status is Status.INVALID
    assert result.check("signature").result is CheckResult.FAIL


def _controller_setup(*, listed_by_issuer: bool, controller: str | None = None) -> tuple[str, DictServer]:
    server = DictServer()
    key, issuer_id = ec.generate_private_key(ec.SECP256R1()), server.url("/issuer")
    key_id = server.url("/keys/1")
    server.serve(
        "/keys/1",
        {
            "@context": ["https://w3id.org/security/multikey/v1"],
            "id": key_id,
            "type": "Multikey",
            "controller": controller or issuer_id,
            "publicKeyMultibase": multikey(key),
        },
    )
    profile: dict[str, Any] = {"id": issuer_id, "type": ["Profile"], "name": "Issuer"}
    if listed_by_issuer:
        profile["assertionMethod"] = [key_id]
    server.serve("/issuer", profile)
    signed = signing.sign_with_suite(
        signing.build_credential(issuer=issuer_id),
        cryptosuite="ecdsa-rdfc-2019",
        private_key=key,
        verification_method=key_id,
    )
    return json.dumps(signed), server


def test_a_key_document_controlled_by_the_issuer_and_listed_under_its_assertion_method_verifies():
    payload, server = _controller_setup(listed_by_issuer=True)
    assert verify(payload, server.fetch).status is Status.VALID


def test_a_key_document_the_issuer_does_not_list_is_invalid():
    payload, server = _controller_setup(listed_by_issuer=False)
    result = verify(payload, server.fetch)
    assert result.status is Status.INVALID
    assert result.check("key").result is CheckResult.FAIL


def test_a_key_document_controlled_by_someone_else_is_invalid():
    payload, server = _controller_setup(listed_by_issuer=True, controller="https://mallory.example/profile")
    result = verify(payload, server.fetch)
    assert result.status is Status.INVALID


def test_a_plain_http_key_is_refused_unless_its_host_is_allow_listed():
    server = DictServer("http://issuer.example")
    issuer = WebKeyIssuer(server).publish()  # type: ignore[arg-type]
    result = verify(issuer.sign(), server.fetch)
    assert result.status is Status.UNSUPPORTED
    assert server.fetch.calls == []

    local = DictServer("http://127.0.0.1:8123")
    issuer = WebKeyIssuer(local).publish()  # type: ignore[arg-type]
    assert verify(issuer.sign(), local.fetch).status is Status.VALID


# ---------------------------------------------------------------------------------------------
# VC-JWT kid


@pytest.mark.parametrize("suite", ["vc-jwt-eddsa", "vc-jwt-es256"])
def test_a_vc_jwt_whose_kid_names_a_key_in_the_issuers_jwk_set_verifies(suite):
    server = DictServer()
    issuer = WebKeyIssuer(server, suite=suite).publish()  # type: ignore[arg-type]
    result = verify(issuer.sign(), server.fetch)
    assert result.status is Status.VALID, [c.text for c in result.checks]
    assert result.check("key").result is CheckResult.PASS


def test_a_vc_jwt_kid_missing_from_the_jwk_set_is_invalid():
    server = DictServer()
    issuer = WebKeyIssuer(server, suite="vc-jwt-es256").publish(listed=False)  # type: ignore[arg-type]
    assert verify(issuer.sign(), server.fetch).status is Status.INVALID


def test_a_vc_jwt_kid_that_cannot_be_fetched_is_unreachable():
    server = DictServer()
    issuer = WebKeyIssuer(server, suite="vc-jwt-es256")  # type: ignore[arg-type]
    assert verify(issuer.sign(), server.fetch).status is Status.UNREACHABLE


def _jwks_elsewhere(*, listed: bool) -> tuple[str, DictServer]:
    server = DictServer()
    key = ec.generate_private_key(ec.SECP256R1())
    kid = "https://keys.cdn.example/jwks.json#k1"
    server.fetch.documents["https://keys.cdn.example/jwks.json"] = {"keys": [{**public_jwk(key), "kid": "k1"}]}
    issuer_id = server.url("/issuer")
    profile: dict[str, Any] = {"id": issuer_id, "type": ["Profile"], "name": "Issuer"}
    if listed:
        profile["verificationMethod"] = [
            {"id": kid, "type": "JsonWebKey", "controller": issuer_id, "publicKeyJwk": public_jwk(key)}
        ]
    server.serve("/issuer", profile)
    return signing.sign_vc_jwt(signing.build_credential(issuer=issuer_id), private_key=key, kid=kid), server


def test_a_jwk_served_from_another_origin_counts_only_when_the_issuers_profile_lists_it():
    token, server = _jwks_elsewhere(listed=True)
    assert verify(token, server.fetch).status is Status.VALID
    token, server = _jwks_elsewhere(listed=False)
    result = verify(token, server.fetch)
    assert result.status is Status.INVALID
    assert result.check("key").result is CheckResult.FAIL


def test_a_jku_header_is_never_followed():
    server = DictServer()
    key = ec.generate_private_key(ec.SECP256R1())
    server.fetch.documents["https://mallory.example/jwks.json"] = {"keys": [{**public_jwk(key), "kid": "k1"}]}
    credential = signing.build_credential(issuer=server.url("/issuer"))
    token = signing.sign_vc_jwt(
        credential, private_key=key, kid="", extra_header={"jku": "https://mallory.example/jwks.json"}
    )
    result = verify(token, server.fetch)
    assert result.status is Status.INVALID
    assert "https://mallory.example/jwks.json" not in server.fetch.calls
