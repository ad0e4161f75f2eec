"""The language of the API's messages: a learner's saved language wins, as on the site; without
one, the request's Accept-Language decides."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from badges.models import Notification

from .support import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(user, badge):
    """Hana's notice that her badge was revoked (its label is a translated message)."""
    return Notification.objects.create(user=user, badge=badge, kind=Notification.Kind.REVOKED)


def kind_label(client, *, accept: str) -> str:
    return client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE=accept).json()["results"][0]["kind_label"]


def test_a_token_request_gets_the_learners_saved_language_over_accept_language(hana, user, notice):
    user.preferred_language = "ja"
    user.save()

    response = hana.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["results"][0]["kind_label"] == "発行元による取り消し"
    assert response["Content-Language"] == "ja"


def test_errors_after_authentication_are_in_the_saved_language_too(hana, user):
    user.preferred_language = "en"
    user.save()

    error = assert_error(hana.get("/api/v1/notifications/?unread=maybe", HTTP_ACCEPT_LANGUAGE="ja"), 400, "invalid")

    assert error["message"] == "Some of the data sent is not valid."


@pytest.mark.parametrize(("accept", "label"), [("en", "Revoked by the issuer"), ("ja", "発行元による取り消し")])
def test_without_a_saved_language_accept_language_decides(hana, user, notice, accept, label):
    assert user.preferred_language == ""

    assert kind_label(hana, accept=accept) == label


def test_a_session_request_gets_the_saved_language_as_well(user, notice):
    user.preferred_language = "ja"
    user.save()
    client = APIClient()
    client.force_login(user)

    assert kind_label(client, accept="en") == "発行元による取り消し"
