"""Encryption at rest for the tokens Manabi holds for other hosts (Fernet: AES-128-CBC + HMAC).

Keys come from ``OBAPI_TOKEN_KEYS`` / ``OBAPI_TOKEN_KEY`` (settings, from the environment; the first
key encrypts, every key decrypts, so keys can be rotated). Without one, a key is derived from
DJANGO_SECRET_KEY (also from the environment).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    keys = list(settings.OBAPI_TOKEN_KEYS)
    if not keys:
        derived = hashlib.sha256(b"manabi-obapi-tokens:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """The plain text, or "" when there is nothing stored or the key that encrypted it is gone."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
