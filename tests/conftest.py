"""Shared fixtures: learners, signed-in clients, and test-only settings.

The private-address allowance for badge fetching stays OFF here: only the `issuer_server`
fixture (tests/support/issuer_server.py) turns it on, so the SSRF tests mean something.
"""

from __future__ import annotations

import os
import uuid

import pytest

pytest_plugins = ["tests.support.issuer_server", "tests.support.object_store"]

DEMO_PASSWORD = "correct-horse-battery-staple-42"


def services_required() -> bool:
    """In CI a missing PostgreSQL/Redis is a failure, never a skip."""
    return os.environ.get("MANABI_REQUIRE_SERVICES") == "1"


@pytest.fixture(autouse=True)
def _test_settings(request, tmp_path):
    # The Open Badges core's tests also run without Django (`-p no:django`): nothing to set then.
    if not request.config.pluginmanager.hasplugin("django"):
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BADGE_FETCH_ALLOW_HOSTS = []
    # Imports run in the request unless a test is about background imports (tests/wallet/test_import_background.py).
    settings.BADGE_IMPORTS_IN_BACKGROUND = False
    # A fresh cache namespace per test: throttle counters, host slots and cached pages never leak
    # from one test (or from anything else using the same Redis) into another.
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"} for name, config in settings.CACHES.items()
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_status_list_memo():
    """Each test verifies status lists from scratch (the memo is a per-process speed-up)."""
    from badges.openbadges.data_integrity import VERIFIED_PROOFS
    from badges.openbadges.ob3 import VERIFIED_LISTS

    VERIFIED_LISTS.clear()
    VERIFIED_PROOFS.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language (Japanese), whatever ran before it."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def generous_host_limits(settings):
    """Lift the per-host rate limit: clocks are frozen in many tests, so per-second windows never
    roll over (tests/badges/test_reverify_politeness.py tests the limits themselves)."""
    from django.core.cache import cache

    cache.clear()
    settings.BADGE_HOST_REQUESTS_PER_SECOND = 10_000


def make_learner(email: str, *, display_name: str = "", password: str = DEMO_PASSWORD):
    from allauth.account.models import EmailAddress

    from accounts.models import User

    user = User.objects.create_user(email=email, password=password, display_name=display_name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def user(db):
    """Hana, a learner with one verified address."""
    return make_learner("hana@example.org", display_name="Hana")


@pytest.fixture
def other_user(db):
    """Kenji, another learner: exists to prove that Hana's private things are 404 to him."""
    return make_learner("kenji@example.org", display_name="Kenji")


@pytest.fixture
def auth_client(client, user):
    """A browser session signed in as Hana."""
    client.force_login(user)
    return client


@pytest.fixture
def badge(user):
    """A valid badge in Hana's wallet."""
    from tests.factories import make_badge

    return make_badge(user, name="Data science basics", tags=["python", "statistics"])


@pytest.fixture
def portfolio(user, badge):
    """Hana's private portfolio holding her badge."""
    from wallet.services import add_badge_to_portfolio, create_portfolio

    portfolio = create_portfolio(owner=user, title="Admissions", description="For my AO application.")
    add_badge_to_portfolio(portfolio=portfolio, badge=badge)
    return portfolio


@pytest.fixture
def unlisted_portfolio(portfolio):
    """The same portfolio, opened to anyone with its link."""
    from wallet.models import Portfolio

    portfolio.visibility = Portfolio.Visibility.UNLISTED
    portfolio.save()
    return portfolio
