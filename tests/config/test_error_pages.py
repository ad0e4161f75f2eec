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
