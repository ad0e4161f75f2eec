"""The site's own address. Imports nothing of ours, so every app may use it."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """The permanent address of a page, as printed in QR codes, share links and e-mails (MANABI_SITE_URL)."""
    return settings.SITE_URL + path
