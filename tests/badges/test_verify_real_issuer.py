"""verify() end to end against a real HTTP issuer on 127.0.0.1, through the real SafeFetcher.

Every case here goes over real sockets: ``IssuerServer`` serves hosted assertions, badge classes,
issuer profiles, RSA keys, revocation lists and signed BitstringStatusLists; the verifier fetches
them with ``SafeFetcher(allow_hosts={"127.0.0.1"})``. No name is ever resolved through real DNS
(the resolver seam refuses every name unless a test maps it to 127.0.0.1), and the
``loopback_only_sockets`` safety net fails any connect outside 127.0.0.0/8 and ::1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from badges.fetch import SafeFetcher
from badges.openbadges import signing
from badges.openbadges.baking import bake_png, bake_svg
from badges.openbadges.model import BadgeFormat, Identity, SourceKind, SpecVersion
from badges.openbadges.result import CheckResult, Status, VerificationResult
from badges.openbadges.verification import verify
from tests.support.document_cache import InMemoryDocumentCache
from tests.support.hosted import HostedBadge, hashed_email, plain_png
from tests.support.issuer_server import IssuerServer
from tests.support.signed import DidKeyIssuer, SignedOb2Issuer, plain_svg, tamper_jws_payload

pytestmark = pytest.mark.usefixtures("loopback_only_sockets")

NOW = datetime(2026, 6, 1, tzinfo=UTC)
HANA = Identity("email", "hana@example.org")
KENJI = Identity("email", "kenji@example.org")


def no_dns(host: str) -> list[str]:
    raise OSError(f"tests resolve no names through real DNS ({host})")


def make_fetcher(allow: tuple[str, ...] = ("127.0.0.1",), *, resolver=no_dns, cache=None) -> SafeFetcher:
    return SafeFetcher(allow_hosts=allow, connect_timeout=2.0, total_timeout=5.0, resolver=resolver, cache=cache)


@pytest.fixture
def fetcher(issuer_server: IssuerServer) -> SafeFetcher:
    return make_fetcher(tuple(issuer_server.allow_hosts))


@pytest.fixture
def check(fetcher: SafeFetcher) -> Callable[..., VerificationResult]:
    """``check(data, HANA, ...)``: verify ``data`` now through the real fetcher."""

    def run(data: bytes | str, *identities: Identity) -> VerificationResult:
        return verify(data, fetch=fetcher, now=NOW, identities=identities)

    return run


def outcome(result: VerificationResult, name: str) -> tuple[CheckResult, Status | None] | None:
    found = result.check(name)
    return (found.result, found.status) if found else None


def explain(result: VerificationResult) -> list[str]:
    return [f"{c.name}: {c.result} {c.status} {c.text}" for c in result.checks]


def assert_not_a_verdict(result: VerificationResult) -> None:
    """Could not check now: never revoked, never invalid, and no check claims it was revoked."""
    assert result.status is Status.UNREACHABLE, explain(result)
    revocation = result.check("revocation")
    assert revocation is None or revocation.result is not CheckResult.FAIL
    assert not any(c.status in (Status.REVOKED, Status.INVALID) for c in result.checks if c.result != "pass")


# ---------------------------------------------------------------------------------------------
# OB 2.0 hosted


def test_hosted_badge_pasted_as_url_is_valid_and_comes_from_the_issuer(issuer_server, check):
    badge = HostedBadge(issuer_server).publish()

    result = check(badge.assertion_url, HANA)

    assert result.status is Status.VALID, explain(result)
    assert [c.name for c in result.checks] == [
        "format",
        "hosted",
        "documents",
        "origin",
        "recipient",
        "revocation",
        "expiry",
        "validity",
    ]
    assert result.badge.name == "Data Science Basics"
    assert result.badge.issuer.name == "Prefectural Learning Centre"
    assert result.badge.format is BadgeFormat.HOSTED
    assert issuer_server.hit_count("/assertions/1") >= 1
    assert issuer_server.hit_count("/badges/data-science") == 1
    assert issuer_server.hit_count("/issuer") == 1
    assert set(result.documents) >= {badge.assertion_url, badge.badge_class_url, badge.issuer_url}
    request = issuer_server.last_request("/assertions/1")
    assert request.headers["user-agent"].startswith("Manabi/")


def test_baked_hosted_png_is_valid(issuer_server, check):
    badge = HostedBadge(issuer_server).publish()

    result = check(badge.baked_png(), HANA)

    assert result.status is Status.VALID, explain(result)
    assert result.source_kind is SourceKind.PNG
    assert issuer_server.hit_count("/assertions/1") == 1


def test_hosted_badge_revoked_with_http_410_is_revoked(issuer_server, check):
    badge = HostedBadge(issuer_server).publish()
    assert check(badge.assertion_url, HANA).status is Status.VALID

    badge.revoke()

    for data in (badge.assertion_url, badge.baked_png()):
        result = check(data, HANA)
        assert result.status is Status.REVOKED, explain(result)
        assert outcome(result, "revocation") == (CheckResult.FAIL, Status.REVOKED)
        assert "410" in result.check("revocation").text


def test_hosted_copy_saying_revoked_true_is_revoked_with_its_reason(issuer_server, check):
    badge = HostedBadge(issuer_server).publish()
    issuer_server.serve(
        "/assertions/1", {**badge.assertion(), "revoked": True, "revocationReason": "Plagiarised project"}
    )

    result = check(badge.baked_png(), HANA)

    assert result.status is Status.REVOKED, explain(result)
    assert "Plagiarised project" in result.check("revocation").text


def test_expired_hosted_badge_is_expired(issuer_server, check):
    badge = HostedBadge(issuer_server, expires=datetime(2026, 3, 1, tzinfo=UTC)).publish()

    result = check(badge.assertion_url, HANA)

    assert result.status is Status.EXPIRED, explain(result)
    assert outcome(result, "expiry") == (CheckResult.FAIL, Status.EXPIRED)
    assert "2026-03-01" in result.check("expiry").text


def test_revoked_and_expired_hosted_badge_reads_revoked_and_keeps_both(issuer_server, check):
    badge = HostedBadge(issuer_server, expires=datetime(2026, 3, 1, tzinfo=UTC)).publish()
    issuer_server.serve("/assertions/1", {**badge.assertion(), "revoked": True})

    result = check(badge.assertion_url, HANA)

    assert result.status is Status.REVOKED
    assert outcome(result, "expiry") == (CheckResult.FAIL, Status.EXPIRED)


def test_tampered_baked_copy_is_ignored_for_the_issuers_hosted_copy(issuer_server, check):
    """A baked copy forged to name Kenji and drop the expiry: the hosted copy decides everything."""
    badge = HostedBadge(issuer_server, expires=datetime(2026, 3, 1, tzinfo=UTC)).publish()
    forged = badge.assertion()
    forged["recipient"] = {"type": "email", "hashed": False, "identity": "kenji@example.org"}
    del forged["expires"]
    forged_png = bake_png(plain_png(), json.dumps(forged))

    as_kenji = check(forged_png, KENJI)
    as_hana = check(forged_png, HANA)

    assert as_kenji.status is Status.RECIPIENT_MISMATCH, explain(as_kenji)
    assert outcome(as_kenji, "expiry") == (CheckResult.FAIL, Status.EXPIRED)
    assert as_hana.status is Status.EXPIRED, explain(as_hana)
    # What the wallet would store is the issuer's copy, byte for byte, not the forgery.
    assert json.loads(as_hana.payload) == badge.assertion()
    assert as_hana.badge.recipients[0].identity == hashed_email("hana@example.org")


def test_one_byte_changed_in_the_baked_copy_changes_nothing(issuer_server, check):
    badge = HostedBadge(issuer_server).publish()
    text = json.dumps(badge.assertion()).replace("2026-01-15", "2026-01-16")
    result = check(bake_png(plain_png(), text), HANA)

    assert result.status is Status.VALID, explain(result)
    assert result.badge.issued_on == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def test_hosted_badge_issued_to_someone_else_is_a_recipient_mismatch(issuer_server, check):
    badge = HostedBadge(issuer_server).publish()

    result = check(badge.assertion_url, KENJI)

    assert result.status is Status.RECIPIENT_MISMATCH, explain(result)
    assert outcome(result, "recipient") == (CheckResult.FAIL, Status.RECIPIENT_MISMATCH)


def test_salted_sha256_recipient_matches_only_the_right_address(issuer_server, check):
    badge = HostedBadge(issuer_server, salt="deadsea").publish()
    assert badge.assertion()["recipient"]["identity"] == hashed_email("hana@example.org", "deadsea")

    good = check(badge.assertion_url, HANA)
    bad = check(badge.assertion_url, KENJI)
    upper = check(badge.assertion_url, Identity("email", "Hana@Example.org"))

    assert good.status is Status.VALID, explain(good)
    assert "hana@example.org" in good.check("recipient").text
    assert bad.status is Status.RECIPIENT_MISMATCH
    assert upper.status is Status.VALID


def test_hosted_assertion_404_is_unreachable_not_revoked(issuer_server, check):
    badge = HostedBadge(issuer_server).publish()
    png = badge.baked_png()
    issuer_server.serve("/assertions/1", {"error": "gone for maintenance"}, status=404)

    assert_not_a_verdict(check(png, HANA))


def test_badge_class_503_is_unreachable_not_invalid(issuer_server, check):
    badge = HostedBadge(issuer_server).publish()
    issuer_server.serve("/badges/data-science", b"busy", status=503)

    result = check(badge.assertion_url, HANA)

    assert_not_a_verdict(result)
    assert outcome(result, "documents") == (CheckResult.ERROR, Status.UNREACHABLE)


# ---------------------------------------------------------------------------------------------
# OB 2.0 signed, fresh RSA key


@pytest.fixture
def rsa_issuer(issuer_server) -> SignedOb2Issuer:
    return SignedOb2Issuer(issuer_server).publish()


def test_signed_badge_with_a_fresh_rsa_key_is_valid(issuer_server, rsa_issuer, check):
    result = check(rsa_issuer.token(), HANA)

    assert result.status is Status.VALID, explain(result)
    assert result.badge.format is BadgeFormat.SIGNED
    assert result.badge.spec_version is SpecVersion.V2_0
    assert outcome(result, "signature") == (CheckResult.PASS, None)
    assert outcome(result, "key") == (CheckResult.PASS, None)
    assert outcome(result, "revocation") == (CheckResult.PASS, None)
    for path in ("/signed/key", "/signed/issuer", "/signed/badge", "/signed/revocations"):
        assert issuer_server.hit_count(path) == 1, path


def test_signed_badge_baked_in_png_and_svg_is_valid(rsa_issuer, check):
    token = rsa_issuer.token()
    for data, kind in ((bake_png(plain_png(), token), SourceKind.PNG), (bake_svg(plain_svg(), token), SourceKind.SVG)):
        result = check(data, HANA)
        assert result.status is Status.VALID, explain(result)
        assert result.source_kind is kind


HANA_HASH = hashed_email("hana@example.org").encode()
ONE_BYTE_CHANGES = [
    (b"2026-01-15", b"2026-01-16"),  # issue date
    (HANA_HASH[-8:], HANA_HASH[-8:-1] + (b"0" if HANA_HASH[-1:] != b"0" else b"1")),  # recipient hash
    (b"/signed/badge", b"/signed/badgf"),  # badge class pointer
]


@pytest.mark.parametrize(("old", "new"), ONE_BYTE_CHANGES)
def test_signed_badge_with_one_byte_changed_is_invalid(rsa_issuer, check, old, new):
    result = check(tamper_jws_payload(rsa_issuer.token(), old, new), HANA)

    assert result.status is Status.INVALID, explain(result)
    assert outcome(result, "signature") == (CheckResult.FAIL, Status.INVALID)


def test_signature_with_one_byte_changed_is_invalid(rsa_issuer, check):
    header, payload, signature = rsa_issuer.token().split(".")
    flipped = signature[:20] + ("A" if signature[20] != "A" else "B") + signature[21:]

    result = check(".".join([header, payload, flipped]), HANA)

    assert result.status is Status.INVALID


def test_signed_badge_from_another_rsa_key_is_invalid(issuer_server, rsa_issuer, check):
    impostor = SignedOb2Issuer(issuer_server)  # same URLs, different private key, never published
    result = check(impostor.token(), HANA)

    assert result.status is Status.INVALID, explain(result)
    assert outcome(result, "signature") == (CheckResult.FAIL, Status.INVALID)


def test_signed_badge_on_the_revocation_list_is_revoked(rsa_issuer, check):
    assert check(rsa_issuer.token(), HANA).status is Status.VALID
    rsa_issuer.revoke(rsa_issuer.assertion_id(), reason="Exam irregularity")

    result = check(rsa_issuer.token(), HANA)

    assert result.status is Status.REVOKED, explain(result)
    assert "Exam irregularity" in result.check("revocation").text
    assert outcome(result, "signature") == (CheckResult.PASS, None)
    # Another badge of the same issuer is untouched.
    assert check(rsa_issuer.token("2"), HANA).status is Status.VALID


def test_signed_badge_whose_revocation_list_fails_is_unreachable_not_revoked(issuer_server, rsa_issuer, check):
    rsa_issuer.revoke(rsa_issuer.assertion_id("other"))
    issuer_server.serve("/signed/revocations", b"oops", status=500)

    result = check(rsa_issuer.token(), HANA)

    assert_not_a_verdict(result)
    assert outcome(result, "revocation") == (CheckResult.ERROR, Status.UNREACHABLE)
    assert outcome(result, "signature") == (CheckResult.PASS, None)


def test_signed_badge_with_wrong_recipient_and_salt(issuer_server, check):
    issuer = SignedOb2Issuer(issuer_server, salt="pepper").publish()
    assert check(issuer.token(), HANA).status is Status.VALID
    assert check(issuer.token(), KENJI).status is Status.RECIPIENT_MISMATCH


# ---------------------------------------------------------------------------------------------
# Unreachable: the issuer goes away mid-test


def test_hosted_issuer_stopped_mid_test_is_unreachable_never_revoked(issuer_server, check):
    badge = HostedBadge(issuer_server).publish()
    png = badge.baked_png()
    assert check(png, HANA).status is Status.VALID
    hits = len(issuer_server.hits)

    issuer_server.stop()
    for data in (png, badge.assertion_url):
        result = check(data, HANA)
        assert_not_a_verdict(result)
    assert len(issuer_server.hits) == hits

    issuer_server.start()  # same port: the issuer is back and the badge is fine again
    assert check(png, HANA).status is Status.VALID


def test_hosted_result_while_unreachable_still_shows_the_baked_badge(issuer_server, check):
    badge = HostedBadge(issuer_server).publish()
    png = badge.baked_png()
    issuer_server.stop()

    result = check(png, HANA)

    assert outcome(result, "hosted") == (CheckResult.ERROR, Status.UNREACHABLE)
    assert result.check("revocation") is None
    assert result.errors == () or all("revok" not in e for e in result.errors)


def test_signed_issuer_stopped_mid_test_is_unreachable_never_revoked_or_invalid(issuer_server, rsa_issuer, check):
    token = rsa_issuer.token()
    assert check(token, HANA).status is Status.VALID

    issuer_server.stop()
    result = check(token, HANA)

    assert_not_a_verdict(result)
    assert outcome(result, "documents") == (CheckResult.ERROR, Status.UNREACHABLE)


def test_only_the_key_gone_is_unreachable(issuer_server, rsa_issuer, check):
    issuer_server.serve("/signed/key", b"", status=502)

    result = check(rsa_issuer.token(), HANA)

    assert_not_a_verdict(result)
    assert outcome(result, "signature") == (CheckResult.ERROR, Status.UNREACHABLE)


# ---------------------------------------------------------------------------------------------
# Redirects to private addresses: refused at the redirect hop, before any connection


PRIVATE_TARGETS = [
    "http://10.0.0.1/x",
    "http://169.254.169.254/latest/meta-data",
    "http://192.168.1.1/assertion",
    "http://[::1]:{port}/x",
    "http://[::ffff:127.0.0.1]:{port}/x",
    "http://127.0.0.2:{port}/x",
    "http://2130706433:{port}/x",
    "http://0177.0.0.1:{port}/x",
    "http://localhost:{port}/x",
    "file:///etc/passwd",
]


@pytest.fixture
def other_server():
    """A second local server playing an internal service: it must never be reached."""
    server = IssuerServer().start()
    server.serve("/x", {"internal": "secret"})
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("target", PRIVATE_TARGETS)
def test_hosted_assertion_redirecting_to_a_private_address_is_refused_not_revoked(issuer_server, other_server, target):
    location = target.format(port=other_server.port)
    badge = HostedBadge(issuer_server).publish()
    issuer_server.redirect("/assertions/1", location)
    # "localhost" would be looked up: this resolver answers loopback, like a real one would.
    fetcher = make_fetcher(("127.0.0.1",), resolver=lambda host: ["127.0.0.1"])
    dials: list[str] = []
    real_open = fetcher._open_pool

    def recording_open(scheme, ip, port, host):
        dials.append(f"{ip}:{port}")
        return real_open(scheme, ip, port, host)

    fetcher._open_pool = recording_open

    result = verify(badge.baked_png(), fetch=fetcher, now=NOW, identities=(HANA,))

    assert_not_a_verdict(result)
    hosted = result.check("hosted")
    assert hosted.result is CheckResult.ERROR
    assert other_server.hits == []
    # Only the issuer itself was ever dialled: the private hop was refused before connecting.
    assert set(dials) == {f"127.0.0.1:{issuer_server.port}"}


def test_public_name_redirecting_to_a_private_address_is_refused(issuer_server, other_server):
    """``issuer.example`` (allowed, mapped to the local issuer) redirects to 127.0.0.1: refused."""
    HostedBadge(issuer_server).publish()
    issuer_server.redirect("/assertions/1", f"http://127.0.0.1:{other_server.port}/x")
    fetcher = make_fetcher(("issuer.example",), resolver={"issuer.example": ["127.0.0.1"]}.__getitem__)
    url = f"http://issuer.example:{issuer_server.port}/assertions/1"

    result = verify(url, fetch=fetcher, now=NOW, identities=(HANA,))

    assert result.status is Status.UNREACHABLE, explain(result)
    assert "private" in result.check("format").text
    assert issuer_server.hit_count("/assertions/1") == 1
    assert issuer_server.last_request("/assertions/1").headers["host"] == f"issuer.example:{issuer_server.port}"
    assert other_server.hits == []


def test_redirect_within_the_issuer_is_followed(issuer_server, check):
    HostedBadge(issuer_server).publish()
    issuer_server.redirect("/old/1", "/assertions/1", status=301)

    result = check(issuer_server.url("/old/1"), HANA)

    assert result.status is Status.VALID, explain(result)


# ---------------------------------------------------------------------------------------------
# SSRF through the whole verify path, allowance off


SSRF_URLS = [
    "http://127.0.0.1:{port}/a",
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]:{port}/a",
    "http://[::ffff:127.0.0.1]:{port}/a",
    "http://2130706433:{port}/a",
    "http://0177.0.0.1:{port}/a",
    "http://0x7f.0.0.1:{port}/a",
    "http://[::]:{port}/a",
    "http://0.0.0.0:{port}/a",
    "http://[fd00::1]/",
    "http://[64:ff9b::7f00:1]:{port}/a",
]


@pytest.mark.parametrize("template", SSRF_URLS)
def test_pasted_private_urls_are_refused_with_the_allowance_off(issuer_server, template):
    HostedBadge(issuer_server, slug="a").publish()
    issuer_server.serve("/a", HostedBadge(issuer_server, slug="a").assertion())
    url = template.format(port=issuer_server.port)
    fetcher = make_fetcher(())

    result = verify(url, fetch=fetcher, now=NOW, identities=(HANA,))

    assert result.status is Status.UNREACHABLE, explain(result)
    assert outcome(result, "format") == (CheckResult.ERROR, Status.UNREACHABLE)
    assert result.status is not Status.REVOKED
    assert issuer_server.hits == []
    assert fetcher.requests_made == 0  # refused before any connection


def test_baked_url_to_a_private_address_is_refused_with_the_allowance_off(issuer_server):
    badge = HostedBadge(issuer_server).publish()

    result = verify(bake_png(plain_png(), badge.assertion_url), fetch=make_fetcher(()), now=NOW)

    assert result.status is Status.UNREACHABLE
    assert issuer_server.hits == []


# ---------------------------------------------------------------------------------------------
# OB 3.0: fresh Ed25519 did:key, Data Integrity and VC-JWT, BitstringStatusList served for real


@pytest.fixture
def did_issuer(issuer_server) -> DidKeyIssuer:
    return DidKeyIssuer(issuer_server).publish()


PROOFS = {"data-integrity": DidKeyIssuer.data_integrity, "vc-jwt": DidKeyIssuer.vc_jwt}


@pytest.fixture(params=list(PROOFS))
def issue(request, did_issuer) -> Callable[..., str]:
    """Issue a credential from ``did_issuer`` with the parametrised proof kind."""
    make = PROOFS[request.param]
    return lambda **kwargs: make(did_issuer, **kwargs)


def test_fresh_did_key_credential_with_status_list_is_valid(issuer_server, did_issuer, issue, check):
    result = check(issue(index=7), HANA)

    assert result.status is Status.VALID, explain(result)
    assert result.badge.spec_version is SpecVersion.V3_0
    assert result.badge.issuer.id == did_issuer.did
    assert outcome(result, "signature") == (CheckResult.PASS, None)
    assert outcome(result, "key") == (CheckResult.PASS, None)
    assert outcome(result, "revocation") == (CheckResult.PASS, None)
    assert issuer_server.hit_count("/status/revocation") == 1
    assert did_issuer.list_url("revocation") in result.documents


def test_ob3_format_matches_the_proof(did_issuer, check):
    assert check(did_issuer.data_integrity()).badge.format is BadgeFormat.DATA_INTEGRITY
    assert check(did_issuer.vc_jwt()).badge.format is BadgeFormat.VC_JWT
    assert "eddsa-rdfc-2022" in check(did_issuer.data_integrity()).check("signature").text


def test_revoked_bit_is_revoked(did_issuer, issue, check):
    text = issue(index=7)
    assert check(text, HANA).status is Status.VALID
    did_issuer.revoke(7)

    result = check(text, HANA)

    assert result.status is Status.REVOKED, explain(result)
    assert outcome(result, "revocation") == (CheckResult.FAIL, Status.REVOKED)
    assert check(issue(index=8), HANA).status is Status.VALID  # neighbouring bit untouched


def test_suspended_bit_is_suspended(did_issuer, issue, check):
    text = issue(index=3, suspension_index=9)
    assert check(text, HANA).status is Status.VALID
    did_issuer.suspend(9)

    result = check(text, HANA)

    assert result.status is Status.SUSPENDED, explain(result)
    assert outcome(result, "revocation") == (CheckResult.FAIL, Status.SUSPENDED)


def test_revoked_wins_over_suspended_and_expired(did_issuer, issue, check):
    text = issue(index=3, suspension_index=4, valid_until=datetime(2026, 2, 1, tzinfo=UTC))
    did_issuer.revoke(3)
    did_issuer.suspend(4)

    result = check(text, HANA)

    assert result.status is Status.REVOKED
    assert outcome(result, "expiry") == (CheckResult.FAIL, Status.EXPIRED)


def test_tampered_data_integrity_credential_is_invalid_and_its_status_is_not_fetched(issuer_server, did_issuer, check):
    text = did_issuer.data_integrity(index=7).replace("Teamwork", "Teamwerk", 1)

    result = check(text, HANA)

    assert result.status is Status.INVALID, explain(result)
    assert outcome(result, "signature") == (CheckResult.FAIL, Status.INVALID)
    assert outcome(result, "revocation") == (CheckResult.SKIPPED, None)
    assert issuer_server.hit_count("/status/revocation") == 0


def test_tampered_vc_jwt_is_invalid(issuer_server, did_issuer, check):
    text = tamper_jws_payload(did_issuer.vc_jwt(index=7), b"Teamwork", b"Teamwerk")

    result = check(text, HANA)

    assert result.status is Status.INVALID, explain(result)
    assert outcome(result, "signature") == (CheckResult.FAIL, Status.INVALID)
    assert issuer_server.hit_count("/status/revocation") == 0


def test_credential_signed_by_another_did_key_is_invalid(did_issuer, check):
    other_key, _other_did = signing.generate_ed25519_did_key()
    signed = signing.sign_data_integrity(
        did_issuer.credential(index=7), private_key=other_key, verification_method=did_issuer.method
    )
    assert check(json.dumps(signed), HANA).status is Status.INVALID


def test_status_list_server_stopped_is_unreachable_not_revoked(issuer_server, did_issuer, issue, check):
    text = issue(index=7)
    did_issuer.revoke(7)
    assert check(text, HANA).status is Status.REVOKED

    issuer_server.stop()
    result = check(text, HANA)

    # The bit is set, but we cannot see the list now: "could not check", never "revoked".
    assert_not_a_verdict(result)
    assert outcome(result, "revocation") == (CheckResult.ERROR, Status.UNREACHABLE)
    assert outcome(result, "signature") == (CheckResult.PASS, None)  # did:key needs no network


def test_status_list_altered_without_resigning_is_unusable_not_revoked(issuer_server, did_issuer, issue, check):
    text = issue(index=7)
    genuine = json.loads(issuer_server.routes["/status/revocation"].body)
    forged_bits = signing.build_status_list_credential(
        url=did_issuer.list_url(), issuer=did_issuer.did, set_indexes=[7]
    )["credentialSubject"]["encodedList"]
    genuine["credentialSubject"]["encodedList"] = forged_bits
    issuer_server.serve("/status/revocation", genuine)

    result = check(text, HANA)

    assert_not_a_verdict(result)
    assert "does not verify" in result.check("revocation").text


def test_status_list_answering_404_is_unreachable(issuer_server, issue, check):
    issuer_server.serve("/status/revocation", {"error": "nope"}, status=404)

    assert_not_a_verdict(check(issue(index=7), HANA))


def test_ob3_recipient_is_matched_against_the_hashed_email(issue, check):
    assert check(issue(), HANA).status is Status.VALID
    assert check(issue(), KENJI).status is Status.RECIPIENT_MISMATCH
    assert check(issue(), Identity("id", "did:example:learner")).status is Status.VALID


def test_expired_ob3_credential_is_expired(issue, check):
    result = check(issue(valid_until=datetime(2026, 2, 1, tzinfo=UTC)), HANA)

    assert result.status is Status.EXPIRED


@pytest.mark.parametrize("container", ["png", "svg"])
def test_baked_ob3_credential_is_verified_from_the_image(did_issuer, issue, check, container):
    text = issue(index=11)
    data = bake_png(plain_png(), text) if container == "png" else bake_svg(plain_svg(), text)

    result = check(data, HANA)

    assert result.status is Status.VALID, explain(result)
    assert result.source_kind is (SourceKind.PNG if container == "png" else SourceKind.SVG)
    did_issuer.revoke(11)
    assert check(data, HANA).status is Status.REVOKED


def test_baked_ob3_image_hosted_by_the_issuer_is_verified_from_its_url(issuer_server, did_issuer, check):
    issuer_server.serve("/badge.png", bake_png(plain_png(), did_issuer.vc_jwt(index=12)), content_type="image/png")

    result = check(issuer_server.url("/badge.png"), HANA)

    assert result.status is Status.VALID, explain(result)


def test_cached_status_list_is_fetched_once(issuer_server, did_issuer):
    fetcher = make_fetcher(("127.0.0.1",), cache=InMemoryDocumentCache())
    text = did_issuer.data_integrity(index=7)
    for _ in range(3):
        assert verify(text, fetch=fetcher, now=NOW).status is Status.VALID
    assert issuer_server.hit_count("/status/revocation") == 1
