"""The Sites framework's one record follows settings (SITE_URL, SITE_NAME), so mails say "Manabi"
and link to where the site really is. Run after every `migrate` (accounts/apps.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def site_domain() -> str:
    """SITE_URL's host and port, e.g. "127.0.0.1:8101" or "manabi.example.jp"."""
    return urlsplit(settings.SITE_URL).netloc


def sync_site(**_signal_kwargs) -> None:
    from django.contrib.sites.models import Site

    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": site_domain()[:100], "name": settings.SITE_NAME[:50]}
    )
    Site.objects.clear_cache()
