"""Named share links: one per audience, expiring, revocable, with a date-and-count view log."""

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from wallet.models import ShareLink, ShareLinkView
from wallet.qr import make_qr
from wallet.services import create_share_link, revoke_share_link

pytestmark = pytest.mark.django_db


def test_learner_makes_a_link_for_one_audience(auth_client, portfolio):
    auth_client.post(f"/wallet/portfolios/{portfolio.pk}/links/", {"name": "Example University admissions"})

    link = ShareLink.objects.get(portfolio=portfolio)
    assert link.name == "Example University admissions"
    assert len(link.token) >= 20


def test_share_link_opens_even_a_private_portfolio(client, portfolio, badge):
    link = create_share_link(portfolio=portfolio, name="A company")

    response = client.get(f"/s/{link.token}/")

    assert response.status_code == 200
    assert "Data science basics" in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert client.get(f"/s/{link.token}/b/{badge.public_id}/").status_code == 200


def test_view_log_keeps_only_dates_times_and_a_count(auth_client, portfolio):
    link = create_share_link(portfolio=portfolio, name="A company")
    client = Client()  # a stranger, apart from Hana's session (which would expire in 2027)

    with time_machine.travel("2027-01-11 10:00 +09:00"):
        client.get(f"/s/{link.token}/")
    with time_machine.travel("2027-01-12 10:00 +09:00"):
        client.get(f"/s/{link.token}/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Secret browser")
        client.get(f"/s/{link.token}/")

    assert list(ShareLinkView.objects.values_list("day", "count")) == [(date(2027, 1, 12), 2), (date(2027, 1, 11), 1)]
    assert {f.name for f in ShareLinkView._meta.get_fields()} == {
        "id",
        "link",
        "day",
        "count",
        "first_opened_at",
        "last_opened_at",
    }
    html = auth_client.get(f"/wallet/portfolios/{portfolio.pk}/").content.decode()
    assert "Opened 3 times, last on Jan. 12, 2027." in html


def test_share_link_has_its_own_qr_code_as_svg_png_and_full_screen(client, portfolio):
    link = create_share_link(portfolio=portfolio, name="A company")

    svg = client.get(f"/s/{link.token}/qr.svg?download=1")
    png = client.get(f"/s/{link.token}/qr.png?download=1")
    page = client.get(f"/s/{link.token}/qr/")

    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert svg["Content-Disposition"] == 'attachment; filename="manabi-qr.svg"'
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    # The code holds the share link itself, not the portfolio's main link (which is private here).
    assert svg.content == make_qr(f"http://127.0.0.1:8000/s/{link.token}/")
    html = page.content.decode()
    assert 'class="qr-big" src="data:image/svg+xml;base64,' in html
    assert f"127.0.0.1:8000/s/{link.token}/" in html
    assert '<meta name="robots" content="noindex">' in html
    # Looking at or printing the code is not an opening of the link.
    assert not ShareLinkView.objects.exists()


def test_owner_sees_qr_buttons_for_each_working_link_only(auth_client, portfolio):
    working = create_share_link(portfolio=portfolio, name="A company")
    revoked = create_share_link(portfolio=portfolio, name="Old school")
    revoke_share_link(link=revoked)
    expired = create_share_link(portfolio=portfolio, name="Last year", expires_on=timezone.localdate() - timedelta(1))

    html = auth_client.get(f"/wallet/portfolios/{portfolio.pk}/").content.decode()

    assert f'href="/s/{working.token}/qr/"' in html
    assert f'href="/s/{working.token}/qr.svg?download=1" download' in html
    assert f'href="/s/{working.token}/qr.png?download=1" download' in html
    assert 'Show QR code<span class="visually-hidden">: A company</span>' in html
    for gone in (revoked, expired):
        assert f"/s/{gone.token}/qr" not in html


def test_expired_link_says_so_with_410(client, portfolio):
    link = create_share_link(portfolio=portfolio, name="Old", expires_on=timezone.localdate() - timedelta(days=1))

    response = client.get(f"/s/{link.token}/")

    assert response.status_code == 410
    assert "It has expired." in response.content.decode()
    assert not ShareLinkView.objects.exists()


@pytest.mark.parametrize("path", ["qr.svg", "qr.png", "qr/"])
def test_qr_code_of_an_expired_link_is_410_too(client, portfolio, path):
    link = create_share_link(portfolio=portfolio, name="Old", expires_on=timezone.localdate() - timedelta(days=1))

    response = client.get(f"/s/{link.token}/{path}")

    assert response.status_code == 410
    assert "It has expired." in response.content.decode()


def test_revoked_link_says_so_with_410(auth_client, client, portfolio, badge):
    link = create_share_link(portfolio=portfolio, name="A company")

    auth_client.post(f"/wallet/portfolios/{portfolio.pk}/links/{link.pk}/revoke/")

    for path in ("", f"b/{badge.public_id}/", "qr.svg", "qr.png", "qr/", f"b/{badge.public_id}/qr.png"):
        response = client.get(f"/s/{link.token}/{path}")
        assert response.status_code == 410
    assert "The learner has turned this link off." in response.content.decode()


def test_link_valid_through_its_last_day(client, portfolio):
    link = create_share_link(portfolio=portfolio, name="Today", expires_on=timezone.localdate())

    assert client.get(f"/s/{link.token}/").status_code == 200


def test_unknown_link_is_a_plain_404(client):
    assert client.get("/s/no-such-token/").status_code == 404


@pytest.mark.parametrize("who", ["other_user", "anonymous"])
def test_others_cannot_make_or_revoke_links(client, other_user, portfolio, who):
    if who == "other_user":
        client.force_login(other_user)
    link = create_share_link(portfolio=portfolio, name="Mine")

    assert client.post(f"/wallet/portfolios/{portfolio.pk}/links/", {"name": "Theirs"}).status_code == 404
    assert client.post(f"/wallet/portfolios/{portfolio.pk}/links/{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    assert ShareLink.objects.count() == 1


def test_the_owners_own_opens_and_link_preview_fetchers_are_not_counted(auth_client, portfolio):
    link = create_share_link(portfolio=portfolio, name="A company")
    stranger = Client()

    auth_client.get(f"/s/{link.token}/")  # Hana checking her own link
    for agent in (
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "facebookexternalhit/1.1;line-poker/1.0",
    ):
        stranger.get(f"/s/{link.token}/", HTTP_USER_AGENT=agent)
    assert not ShareLinkView.objects.exists()

    stranger.get(
        f"/s/{link.token}/", HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1"
    )

    view = ShareLinkView.objects.get()
    assert view.count == 1 and view.last_opened_at is not None
