"""Error pages: JSON in the API's one error shape under /api/, the site's HTML everywhere else."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from tests.api.support import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_errors(settings, client):
    # Django shows its debug pages instead of handler404/handler500 when DEBUG is on.
    settings.DEBUG = False
    # Let the test client hand back the 500 response instead of re-raising the view's error.
    client.raise_request_exception = False


def test_an_unknown_api_address_answers_json_404(client):
    response = client.get("/api/v1/nope", HTTP_ACCEPT_LANGUAGE="en")

    error = assert_error(response, 404, "not_found")
    assert response["Content-Type"] == "application/json"
    assert error["message"] == "Not found."


def test_an_unknown_api_address_answers_in_the_requests_language(client):
    response = client.get("/api/nothing-here/", HTTP_ACCEPT_LANGUAGE="ja")

    error = assert_error(response, 404, "not_found")
    assert error["message"] != "Not found."
    assert "\\u" not in response.content.decode()  # readable UTF-8, as DRF's own responses


def test_an_unknown_page_answers_the_sites_html_404(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html and 'href="/"' in html


def test_a_crash_under_the_api_answers_json_500(client, monkeypatch):
    from wallet import api

    def crash(self, request, slug):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api.PublicPortfolio, "get", crash)

    response = client.get("/api/v1/public/portfolios/some-link/", HTTP_ACCEPT_LANGUAGE="en")

    error = assert_error(response, 500, "server_error")
    assert error["message"] == "A server error occurred."
    assert "a bug" not in response.content.decode()


def test_a_crash_on_a_page_answers_the_standalone_html_500(client, monkeypatch):
    from wallet import views

    def database_down(via, key):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(views, "_reach", database_down)

    response = client.get("/p/some-link/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Something went wrong" in html and '<html lang="en">' in html
    assert "connection refused" not in html


# --- the site's own 404 / 403 / 410 pages, in both languages, with DEBUG off --------------------


@pytest.mark.parametrize(
    ("language", "heading", "title"),
    [
        ("ja", "ページが見つかりません", "ページが見つかりません | Manabi"),
        ("en", "Page not found", "Page not found | Manabi"),
    ],
)
def test_the_404_page_speaks_the_visitors_language(client, language, heading, title):
    html = client.get("/nowhere/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html and f"<title>{title}</title>" in html


@pytest.mark.parametrize(("language", "heading"), [("ja", "アクセスできません"), ("en", "Not allowed")])
def test_the_403_page_speaks_the_visitors_language(rf, language, heading):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.utils import translation
    from django.views.defaults import permission_denied

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    with translation.override(language):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert heading in response.content.decode()


@pytest.mark.parametrize(("language", "heading"), [("ja", "もう一度お試しください"), ("en", "Please try again")])
def test_a_form_without_its_csrf_token_gets_a_readable_403(language, heading):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/accounts/language/", {"language": "en"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 403
    assert heading in response.content.decode()


@pytest.mark.parametrize(("language", "heading"), [("ja", "このページはもうありません"), ("en", "This page is gone")])
def test_the_generic_410_page_speaks_the_visitors_language(rf, language, heading):
    from django.contrib.auth.models import AnonymousUser
    from django.shortcuts import render
    from django.utils import translation

    request = rf.get("/gone/")
    request.user = AnonymousUser()
    with translation.override(language):
        response = render(request, "410.html", status=410)
    assert heading in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"), [("ja", "このリンクは使えなくなりました"), ("en", "This link no longer works")]
)
def test_a_turned_off_share_link_is_a_410_page_in_the_visitors_language(
    auth_client, client, portfolio, language, heading
):
    from wallet.models import ShareLink

    auth_client.post(f"/wallet/portfolios/{portfolio.pk}/links/", {"name": "University A"})
    link = ShareLink.objects.get()
    auth_client.post(f"/wallet/portfolios/{portfolio.pk}/links/{link.pk}/revoke/")
    response = client.get(f"/s/{link.token}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 410
    assert heading in response.content.decode()
