"""Marks core messages for translation without importing Django.

``gettext_noop`` has the name Django's ``makemessages`` (xgettext) looks for, so the English
templates below land in ``locale/*/django.po``; the Django side translates them with
``gettext(template).format(**params)``.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Return ``message`` unchanged; only marks it for extraction. ``gettext_noop("Hi") == "Hi"``."""
    return message
