"""GET /ims/ob/v3p0/discovery: the service description, checked against 1EdTech's own OpenAPI document."""

from __future__ import annotations

import pytest

from tests.obapi.support import ALL_SCOPES, service_description_validator

pytestmark = pytest.mark.django_db


def test_discovery_needs_no_token_and_is_a_valid_service_description(platform):
    response = platform.get("/ims/ob/v3p0/discovery")

    assert response.status_code == 200
    document = response.json()
    errors = [e.message for e in service_description_validator().iter_errors(document)]
    assert errors == []
    # The validator does bite: without the registration URL the document is not one.
    del document["components"]["securitySchemes"]["OAuth2ACG"]["x-imssf-registrationUrl"]
    assert not service_description_validator().is_valid(document)


def test_discovery_names_the_oauth_endpoints_scopes_and_policies(platform):
    document = platform.get("/ims/ob/v3p0/discovery").json()

    scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
    flow = scheme["flows"]["authorizationCode"]
    assert scheme["type"] == "oauth2"
    assert scheme["x-imssf-registrationUrl"] == "http://testserver/oauth/register"
    assert flow["authorizationUrl"] == "http://testserver/oauth/authorize"
    assert flow["tokenUrl"] == flow["refreshUrl"] == "http://testserver/oauth/token"
    assert set(flow["scopes"]) == set(ALL_SCOPES.split())
    assert document["servers"][0]["url"] == "http://testserver/ims/ob/v3p0"
    assert document["info"]["x-imssf-privacyPolicyUrl"] and document["info"]["termsOfService"]
    assert document["info"]["x-imssf-image"].startswith("http://testserver/static/")
    assert "Only Open Badges 3.0 credentials" in document["info"]["description"]
    assert {"getCredentials", "upsertCredential", "getProfile", "putProfile", "getServiceDescription"} == {
        operation["operationId"] for path in document["paths"].values() for operation in path.values()
    }


def test_the_privacy_page_the_discovery_document_points_to_exists(client, platform):
    url = platform.get("/ims/ob/v3p0/discovery").json()["info"]["x-imssf-privacyPolicyUrl"]

    assert client.get("/connected-apps/privacy/").status_code == 200
    assert url.endswith("/connected-apps/privacy/")


def test_the_sites_openapi_schema_documents_the_ob_api(platform):
    schema = platform.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert {"/ims/ob/v3p0/discovery", "/ims/ob/v3p0/credentials", "/ims/ob/v3p0/profile", "/oauth/register"} <= set(
        schema["paths"]
    )
    upsert = schema["paths"]["/ims/ob/v3p0/credentials"]["post"]
    assert {"200", "201", "400", "401", "403", "413"} <= set(upsert["responses"])
