"""The site knows its own address and name: `make run PORT=…`, the Sites record, sign-up mails."""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.sites import sync_site
from tests.conftest import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def make_site_url(*args: str, env: dict | None = None) -> str:
    import os

    environment = {k: v for k, v in os.environ.items() if k not in {"MANABI_SITE_URL", "MAKEFLAGS", "MFLAGS"}}
    environment.update(env or {})
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "site-url", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_make_run_port_and_host_set_the_site_url():
    assert make_site_url("PORT=8101") == "http://127.0.0.1:8101"
    assert make_site_url("HOST=0.0.0.0", "PORT=9000") == "http://0.0.0.0:9000"


def test_an_explicit_site_url_wins_over_port():
    assert (
        make_site_url("PORT=8101", env={"MANABI_SITE_URL": "https://manabi.example.jp"}) == "https://manabi.example.jp"
    )


@pytest.mark.django_db
def test_the_sites_domain_equals_the_configured_site_urls_host_after_migrate(settings):
    # The test database was made by `migrate`, whose post_migrate step set the record.
    assert Site.objects.get_current().domain == urlsplit(settings.SITE_URL).netloc
    assert Site.objects.get_current().name == "Manabi"

    settings.SITE_URL = "http://127.0.0.1:8101"
    sync_site()

    assert Site.objects.get_current().domain == "127.0.0.1:8101"


@pytest.mark.django_db
def test_sign_up_asks_for_a_display_name_and_the_mail_is_from_manabi(client):
    form = client.get(reverse("account_signup")).content.decode()
    assert 'name="display_name"' in form

    client.post(
        reverse("account_signup"),
        {"email": "aoi@example.org", "password1": DEMO_PASSWORD, "password2": DEMO_PASSWORD, "display_name": "Aoi"},
    )

    assert User.objects.get(email="aoi@example.org").display_name == "Aoi"
    body = mail.outbox[0].body
    assert "Manabi" in body and "example.com" not in body
    assert "Manabi の学習者" not in body and "Manabi learner" not in body


@pytest.mark.django_db
def test_sign_up_without_a_display_name_is_refused(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "ren@example.org", "password1": DEMO_PASSWORD, "password2": DEMO_PASSWORD},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="ren@example.org").exists()


@pytest.mark.django_db
def test_sharing_prompts_for_a_display_name_while_it_is_empty(client):
    from tests.conftest import make_learner
    from wallet.services import create_portfolio

    learner = make_learner("sora@example.org")
    portfolio = create_portfolio(owner=learner, title="Admissions")
    client.force_login(learner)

    assert 'data-prompt="display-name"' in client.get(f"/wallet/portfolios/{portfolio.pk}/").content.decode()
    learner.display_name = "Sora"
    learner.save()
    assert 'data-prompt="display-name"' not in client.get(f"/wallet/portfolios/{portfolio.pk}/").content.decode()
