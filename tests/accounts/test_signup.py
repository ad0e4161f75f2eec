import re
from http import HTTPStatus

from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.conftest import DEMO_PASSWORD


def confirmation_link(message) -> str:
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body).group(0)


def test_sign_up_sends_a_verification_mail_and_the_link_signs_the_learner_in(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "aoi@example.org", "password1": DEMO_PASSWORD, "password2": DEMO_PASSWORD, "display_name": "Aoi"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aoi@example.org"]

    # Before confirming, signing in is held at the verification step.
    client.logout()
    response = client.post(reverse("account_login"), {"login": "aoi@example.org", "password": DEMO_PASSWORD})
    assert response.url == reverse("account_email_verification_sent")

    link = confirmation_link(mail.outbox[0])
    path = link.split("testserver", 1)[-1]
    response = client.post(path)
    assert response.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(email="aoi@example.org").verified

    client.logout()
    response = client.post(reverse("account_login"), {"login": "aoi@example.org", "password": DEMO_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("wallet_home")
    assert client.get(reverse("wallet_home")).status_code == HTTPStatus.OK


def test_sign_up_remembers_the_language_it_happened_in(client, db):
    client.post(
        reverse("account_signup"),
        {"email": "ren@example.org", "password1": DEMO_PASSWORD, "password2": DEMO_PASSWORD, "display_name": "Ren"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert User.objects.get(email="ren@example.org").preferred_language == "en"


def test_sign_in_page_uses_the_site_layout(client, db):
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert '<main id="main"' in html


def test_password_reset_sends_a_mail(client, user):
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
