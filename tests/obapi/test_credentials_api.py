"""/ims/ob/v3p0/credentials and /profile: upsert through the import pipeline (201 created, 200 replaced,
the body echoed byte for byte; refusals store nothing), paged reads, the profile, Imsx errors."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from badges.models import Badge, Verification
from badges.openbadges import signing
from obapi.models import Consent
from tests.factories import make_badge
from tests.obapi.conftest import grant
from tests.obapi.support import PROFILE_READ, READ, assert_matches
from tests.support.signed import DidKeyIssuer, other_ed25519_key, tamper_jws_payload

pytestmark = pytest.mark.django_db
CREDENTIALS = "/ims/ob/v3p0/credentials"


@pytest.fixture
def issuer(issuer_server):
    return DidKeyIssuer(issuer_server).publish()


def minor(response) -> str:
    assert_matches("imsx_statusinfo", response.json())
    return response.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]


def post_json(client, text: str, content_type: str = "application/json"):
    return client.generic("POST", CREDENTIALS, text.encode(), content_type=content_type)


# ---------------------------------------------------------------------------------------------
# Upsert
# ---------------------------------------------------------------------------------------------


def as_sent_by_a_platform(text: str) -> str:
    """1EdTech's schema wants ``proof`` as a list (a set of one proof means the same in JSON-LD)."""
    credential = json.loads(text)
    credential["proof"] = [credential["proof"]]
    return json.dumps(credential, ensure_ascii=False, indent=1)


def test_a_new_credential_is_verified_stored_and_echoed_byte_for_byte(as_platform, user, issuer):
    text = as_sent_by_a_platform(issuer.data_integrity(index=3))

    response = post_json(as_platform, text)

    assert response.status_code == 201
    assert response.content == text.encode()
    assert response["Content-Type"] == "application/json"
    badge = Badge.objects.get(owner=user)
    assert badge.status == "valid" and badge.spec_version == "3.0"
    assert_matches("achievementcredential", json.loads(text))


def test_the_same_credential_again_is_200_and_changes_nothing(as_platform, user, issuer):
    text = issuer.data_integrity(index=3)
    post_json(as_platform, text)
    before = Badge.objects.get(owner=user)

    response = post_json(as_platform, text)

    assert response.status_code == 200
    assert response.content == text.encode()
    after = Badge.objects.get(owner=user)
    assert (after.pk, after.original_sha256, after.updated_at) == (before.pk, before.original_sha256, before.updated_at)


def test_a_resigned_copy_of_the_same_credential_replaces_the_stored_one(as_platform, user, issuer):
    credential = issuer.credential(index=3, credential_id="urn:uuid:6a1f2c1e-8d0b-4f43-9a37-0d5f3f1b2c11")
    post_json(as_platform, issuer.sign_data_integrity(credential))
    renamed = {**credential, "name": "Teamwork (renewed)"}
    second = issuer.sign_data_integrity(renamed)

    response = post_json(as_platform, second)

    assert response.status_code == 200
    badge = Badge.objects.get(owner=user)
    assert badge.raw_payload == second
    assert badge.original_file.read() == second.encode()
    assert badge.verifications.filter(trigger=Verification.Trigger.MANUAL).exists()


def test_a_vc_jwt_is_accepted_as_text_plain(as_platform, user, issuer):
    token = issuer.vc_jwt(index=4)

    response = post_json(as_platform, token, "text/plain")

    assert response.status_code == 201
    assert response.content == token.encode()
    assert Badge.objects.get(owner=user).spec_version == "3.0"


def test_a_credential_for_another_person_is_refused_and_nothing_is_stored(as_platform, user, issuer_server):
    someone_else = DidKeyIssuer(issuer_server, email="kenji@example.org").publish()

    response = post_json(as_platform, someone_else.data_integrity(index=1))

    assert response.status_code == 403
    assert minor(response) == "forbidden"
    assert "not verified on your account" in response.json()["imsx_description"]
    assert not Badge.objects.exists()


def test_a_tampered_credential_is_refused_and_nothing_is_stored(as_platform, issuer):
    text = issuer.data_integrity(index=1).replace("Teamwork", "Teamwerk")

    response = post_json(as_platform, text)

    assert response.status_code == 400
    assert minor(response) == "invalid_data"
    assert not Badge.objects.exists()


def test_a_tampered_vc_jwt_is_refused(as_platform, issuer):
    token = tamper_jws_payload(issuer.vc_jwt(index=1), b"Teamwork", b"Teamwerk")

    response = post_json(as_platform, token, "text/plain")

    assert response.status_code == 400
    assert not Badge.objects.exists()


def test_a_credential_signed_by_a_key_that_is_not_the_issuers_is_refused(as_platform, issuer):
    forged = signing.sign_data_integrity(
        issuer.credential(index=1), private_key=other_ed25519_key(), verification_method=issuer.method
    )

    response = post_json(as_platform, json.dumps(forged))

    assert response.status_code == 400
    assert not Badge.objects.exists()


def test_an_oversized_body_is_refused_before_anything_reads_it(as_platform, settings):
    settings.BADGE_UPLOAD_MAX_BYTES = 10_000

    response = post_json(as_platform, json.dumps({"type": ["OpenBadgeCredential"], "pad": "x" * 20_000}))

    assert response.status_code == 413
    assert minor(response) == "invalid_data"
    assert not Badge.objects.exists()


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/json"),
        (
            json.dumps(
                {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "https://x.example/a"}
            ),
            "application/json",
        ),
        ("[1, 2]", "application/json"),
        ("not a jws", "text/plain"),
        ("", "application/json"),
    ],
)
def test_bodies_that_are_not_ob3_credentials_are_400(as_platform, body, content_type):
    response = post_json(as_platform, body, content_type)

    assert response.status_code == 400
    assert minor(response) == "invalid_data"
    assert not Badge.objects.exists()


def test_other_content_types_are_415(as_platform):
    response = as_platform.post(CREDENTIALS, {"a": "b"}, format="multipart")

    assert response.status_code == 415
    minor(response)


def test_upsert_needs_the_upsert_scope(client, user, platform, registered, issuer):
    client.force_login(user)
    tokens = grant(client, platform, registered, scope=READ)
    platform.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    response = post_json(platform, issuer.data_integrity(index=1))

    assert response.status_code == 403
    assert minor(response) == "forbidden"
    assert not Badge.objects.exists()


def test_without_a_token_the_api_answers_401_in_imsx(platform):
    response = platform.get(CREDENTIALS)

    assert response.status_code == 401
    assert minor(response) == "unauthorizedrequest"


def test_a_personal_access_token_is_not_an_oauth_token(platform, user):
    from accounts.tokens import create_token

    platform.credentials(HTTP_AUTHORIZATION=f"Bearer {create_token(user=user, name='script')[1]}")

    assert platform.get(CREDENTIALS).status_code == 401


def test_unsupported_methods_are_405_in_imsx(as_platform):
    response = as_platform.delete(CREDENTIALS)

    assert response.status_code == 405
    assert minor(response) == "not_allowed"


# ---------------------------------------------------------------------------------------------
# getCredentials
# ---------------------------------------------------------------------------------------------


def links(response) -> dict[str, dict]:
    result = {}
    for part in response["Link"].split(", "):
        url, rel = part.split("; ")
        result[rel.split('"')[1]] = {k: v[0] for k, v in parse_qs(urlsplit(url.strip("<>")).query).items()}
    return result


def test_credentials_are_paged_with_total_count_and_link_headers(as_platform, user, issuer):
    texts = [issuer.data_integrity(index=i) for i in range(5)]
    for text in texts:
        assert post_json(as_platform, text).status_code == 201
    make_badge(user, name="An OB 2.0 badge")  # not OB 3.0: never listed

    response = as_platform.get(CREDENTIALS, {"limit": 2, "offset": 2})

    assert response.status_code == 200
    assert response["X-Total-Count"] == "5"
    assert links(response) == {
        "first": {"limit": "2", "offset": "0"},
        "last": {"limit": "2", "offset": "4"},
        "next": {"limit": "2", "offset": "4"},
        "prev": {"limit": "2", "offset": "0"},
    }
    body = response.json()
    assert_matches("getopenbadgecredentialsresponse", body)
    assert [c["id"] for c in body["credential"]] == [json.loads(texts[2])["id"], json.loads(texts[3])["id"]]
    assert body["compactJwsString"] == []


def test_vc_jwts_are_listed_as_compact_jws_strings(as_platform, issuer):
    token = issuer.vc_jwt(index=2)
    post_json(as_platform, token, "text/plain")

    body = as_platform.get(CREDENTIALS).json()

    assert body == {"credential": [], "compactJwsString": [token]}
    assert_matches("getopenbadgecredentialsresponse", body)


def test_since_leaves_out_what_was_issued_and_added_before(as_platform, user, issuer):
    from datetime import UTC, datetime

    old = issuer.credential(index=1, valid_from=datetime(2024, 1, 1, tzinfo=UTC))
    post_json(as_platform, issuer.sign_data_integrity(old))
    Badge.objects.update(created_at=datetime(2024, 1, 2, tzinfo=UTC))
    new = issuer.credential(index=2, valid_from=datetime(2025, 6, 1, tzinfo=UTC))
    post_json(as_platform, issuer.sign_data_integrity(new))

    response = as_platform.get(CREDENTIALS, {"since": "2025-01-01T00:00:00Z"})

    assert response["X-Total-Count"] == "1"
    assert [c["id"] for c in response.json()["credential"]] == [new["id"]]
    assert links(response)["first"]["since"] == "2025-01-01T00:00:00Z"


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "x"}, {"offset": "-1"}, {"since": "yesterday"}])
def test_bad_query_parameters_are_400(as_platform, query):
    response = as_platform.get(CREDENTIALS, query)

    assert response.status_code == 400
    assert minor(response) == "invalid_query_parameter"


def test_another_learners_credentials_are_never_listed(as_platform, other_user):
    make_badge(
        other_user, spec_version="3.0", raw_payload=json.dumps({"id": "urn:uuid:1", "type": ["VerifiableCredential"]})
    )

    response = as_platform.get(CREDENTIALS)

    assert response["X-Total-Count"] == "0"


def test_listing_takes_a_fixed_number_of_queries(as_platform, user, django_assert_num_queries):
    for n in range(30):
        make_badge(
            user,
            spec_version="3.0",
            raw_payload=json.dumps({"id": f"urn:uuid:{n}", "type": ["VerifiableCredential", "OpenBadgeCredential"]}),
        )
    as_platform.get(CREDENTIALS)  # warm: the consent's last use is written once a minute

    with django_assert_num_queries(4):
        as_platform.get(CREDENTIALS, {"limit": 30})


# ---------------------------------------------------------------------------------------------
# Profile
# ---------------------------------------------------------------------------------------------


def test_the_profile_is_an_ob3_profile_without_the_email_by_default(as_platform, user):
    response = as_platform.get("/ims/ob/v3p0/profile")

    assert response.status_code == 200
    profile = response.json()
    assert_matches("profile", profile)
    assert profile["name"] == "Hana" and profile["type"] == ["Profile"]
    assert "email" not in profile


def test_the_email_is_shared_only_when_the_learner_ticked_the_box(client, user, platform, registered):
    client.force_login(user)
    tokens = grant(client, platform, registered, scope=PROFILE_READ, share_email=True)
    platform.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    profile = platform.get("/ims/ob/v3p0/profile").json()

    assert profile["email"] == "hana@example.org"
    assert Consent.objects.get(user=user).share_email


def test_a_client_updates_name_url_and_image(as_platform, user):
    response = as_platform.put(
        "/ims/ob/v3p0/profile",
        {
            "id": "x",
            "type": ["Profile"],
            "name": "Hana Sato",
            "url": "https://hana.example/",
            "image": {"id": "https://hana.example/me.png", "type": "Image"},
        },
        format="json",
    )

    assert response.status_code == 200
    assert_matches("profile", response.json())
    user.refresh_from_db()
    assert user.display_name == "Hana Sato"
    assert response.json()["url"] == "https://hana.example/"
    assert response.json()["image"] == {"id": "https://hana.example/me.png", "type": "Image"}


@pytest.mark.parametrize("body", [{"name": "x" * 81}, {"url": "javascript:alert(1)"}, {"image": {"id": 5}}, [1]])
def test_an_unusable_profile_update_changes_nothing(as_platform, user, body):
    response = as_platform.put("/ims/ob/v3p0/profile", body, format="json")

    assert response.status_code == 400
    minor(response)
    user.refresh_from_db()
    assert user.display_name == "Hana"


def test_profile_update_needs_its_scope(client, user, platform, registered):
    client.force_login(user)
    tokens = grant(client, platform, registered, scope=PROFILE_READ)
    platform.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    assert platform.put("/ims/ob/v3p0/profile", {"name": "X"}, format="json").status_code == 403
