"""Manabi as an Open Badges 3.0 host: upsert and list a learner's credentials, read and update the
profile, consents of connected apps; plus this app's part of the account export and deletion.

Upserts go through the wallet's own import (``badges.services.import_badge``) synchronously, so a
client learns the verified outcome in the response: 201 created, 200 replaced, or a refusal that
stored nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

from badges.models import Badge, Verification
from badges.services import ImportRefused, import_badge, reverify_badge

from . import scopes
from .models import ClientInfo, Connection, Consent, ProfileDetails

COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")
OB3_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
# How a refusal from the import maps to HTTP: a credential for someone else is "forbidden" for this
# learner, one the issuer cannot be reached for is "try later"; everything else is bad data.
REFUSAL_STATUS = {"not_yours": 403, "too_large": 413, "unreachable": 503}
MAX_PAGE = 100


class UpsertRefused(Exception):
    def __init__(self, http_status: int, message: str) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.message = message


@dataclass(frozen=True)
class Upserted:
    badge: Badge
    created: bool


# ---------------------------------------------------------------------------------------------
# Credentials
# ---------------------------------------------------------------------------------------------


def upsert_credential(*, owner, body: bytes, media_type: str) -> Upserted:
    """Verify ``body`` (an OB 3.0 credential as JSON, or a compact JWS) and add it to ``owner``'s
    wallet, or replace the stored copy of the same credential. Raises ``UpsertRefused``."""
    if len(body) > settings.BADGE_UPLOAD_MAX_BYTES:
        raise UpsertRefused(413, _("The request body is too large."))
    try:
        text = body.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise UpsertRefused(400, _("The request body is not UTF-8 text.")) from None
    if not text:
        raise UpsertRefused(400, _("The request body is empty."))
    _require_open_badge_3(text, media_type=media_type)
    try:
        badge = import_badge(owner=owner, payload=text)
    except ImportRefused as refusal:
        if refusal.code == "duplicate" and refusal.badge is not None:
            return Upserted(badge=_replace(refusal.badge, text), created=False)
        raise UpsertRefused(REFUSAL_STATUS.get(refusal.code, 400), refusal.message) from refusal
    return Upserted(badge=badge, created=True)


def _require_open_badge_3(text: str, *, media_type: str) -> None:
    """Only OB 3.0 credentials travel through this API (other versions: the wallet's import page)."""
    if media_type == "text/plain":
        if not COMPACT_JWS.match(text):
            raise UpsertRefused(400, _("A text/plain body must be a compact JWS (an OB 3.0 VC-JWT)."))
        try:
            payload = json.loads(base64.urlsafe_b64decode(text.split(".")[1] + "=" * (-len(text.split(".")[1]) % 4)))
        except (ValueError, binascii.Error):
            raise UpsertRefused(400, _("The JWS payload is not JSON.")) from None
        document = payload.get("vc", payload) if isinstance(payload, dict) else None
    else:
        try:
            document = json.loads(text)
        except ValueError:
            raise UpsertRefused(400, _("The request body is not valid JSON.")) from None
    types = document.get("type") if isinstance(document, dict) else None
    types = {types} if isinstance(types, str) else set(types or []) if isinstance(types, list) else set()
    if not types & OB3_TYPES:
        raise UpsertRefused(
            400, _("This is not an Open Badges 3.0 credential (type OpenBadgeCredential or AchievementCredential).")
        )


def _replace(existing: Badge, text: str) -> Badge:
    """The same credential again: unchanged → nothing written; a new copy (e.g. re-signed) → kept as
    the original and checked again. The import already verified it, so nothing unverified lands."""
    new_sha = hashlib.sha256(text.encode()).hexdigest()
    if existing.original_sha256 == new_sha:
        return existing
    with transaction.atomic():
        locked = Badge.objects.select_for_update().get(pk=existing.pk)
        old_file = locked.original_file.name if locked.original_file else ""
        locked.original_file.save("badge", ContentFile(text.encode()), save=False)
        locked.original_sha256 = new_sha
        locked.raw_payload = text
        locked.save(update_fields=["original_file", "original_sha256", "raw_payload", "updated_at"])
        if old_file and old_file != locked.original_file.name:
            transaction.on_commit(lambda: locked.original_file.storage.delete(old_file))
    reverify_badge(badge=locked, trigger=Verification.Trigger.MANUAL)
    return locked


def ob3_credentials(owner, *, since: datetime | None = None):
    """The learner's OB 3.0 badges, oldest first. ``since``: issued, or added to Manabi, after it
    (a superset of "issued after", so a client pulling with ``since`` misses nothing added late)."""
    queryset = Badge.objects.owned_by(owner).filter(spec_version__startswith="3").order_by("created_at", "pk")
    if since is not None:
        queryset = queryset.filter(Q(issued_on__gt=since) | Q(created_at__gt=since))
    return queryset


def credentials_page(owner, *, limit: int, offset: int, since: datetime | None) -> tuple[dict[str, list], int]:
    """One page as the spec's ``GetOpenBadgeCredentialsResponse`` and the total count (2 queries)."""
    queryset = ob3_credentials(owner, since=since)
    total = queryset.count()
    credential: list[Any] = []
    compact: list[str] = []
    for text in queryset.values_list("raw_payload", flat=True)[offset : offset + limit]:
        text = (text or "").strip()
        if COMPACT_JWS.match(text):
            compact.append(text)
            continue
        try:
            document = json.loads(text)
        except ValueError:
            continue  # never stored like this by the import; skipped rather than sent broken
        if isinstance(document, dict) and isinstance(document.get("proof"), dict):
            # One proof or a set of one mean the same (JSON-LD @set); the API's schema wants the set.
            document["proof"] = [document["proof"]]
        credential.append(document)
    return {"credential": credential, "compactJwsString": compact}, total


# ---------------------------------------------------------------------------------------------
# Profile
# ---------------------------------------------------------------------------------------------


def profile_of(user, *, share_email: bool) -> dict[str, Any]:
    """The learner as an OB 3.0 ``Profile``; the e-mail only when the learner agreed to share it."""
    details = ProfileDetails.objects.filter(user=user).first()
    profile: dict[str, Any] = {
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{settings.SITE_URL}/learners/{user.pk}')}",
        "type": ["Profile"],
    }
    if user.display_name:
        profile["name"] = user.display_name
    if details and details.url:
        profile["url"] = details.url
    if details and details.image:
        profile["image"] = {"id": details.image, "type": "Image"}
    if share_email:
        profile["email"] = user.email
    return profile


def update_profile(user, data: Any) -> None:
    """Apply a client's ``PUT /profile``: name, url and image; other fields are ignored. Raises
    ``UpsertRefused`` (400) and changes nothing when any of them is unusable."""
    if not isinstance(data, dict):
        raise UpsertRefused(400, _("The profile must be a JSON object."))
    name = data.get("name", user.display_name)
    url = data.get("url", None)
    image = data.get("image", None)
    if isinstance(image, dict):
        image = image.get("id")
    if not isinstance(name, str) or len(name) > 80:
        raise UpsertRefused(400, _("The name must be text of at most 80 characters."))
    for value in (url, image):
        if value is not None and (
            not isinstance(value, str) or len(value) > 2000 or not value.startswith(("https://", "http://"))
        ):
            raise UpsertRefused(400, _("Web addresses must start with https:// (at most 2000 characters)."))
    with transaction.atomic():
        user.display_name = name.strip()
        user.save(update_fields=["display_name"])
        details, _created = ProfileDetails.objects.get_or_create(user=user)
        if url is not None:
            details.url = url
        if image is not None:
            details.image = image
        details.save()


# ---------------------------------------------------------------------------------------------
# Consents (the "connected apps" page)
# ---------------------------------------------------------------------------------------------


def record_consent(*, user, application, scope: str, share_email: bool) -> Consent:
    consent, _created = Consent.objects.update_or_create(
        user=user,
        application=application,
        defaults={"scope": scope, "share_email": share_email, "granted_at": timezone.now()},
    )
    return consent


def touch_consent(*, user, application) -> None:
    """Remember when a client last used its access (at most one write a minute per client)."""
    now = timezone.now()
    Consent.objects.filter(user=user, application=application).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - timedelta(minutes=1))
    ).update(last_used_at=now)


@transaction.atomic
def revoke_consent(*, consent: Consent) -> None:
    """Disconnect a client: its tokens and pending codes stop working at once."""
    revoke_client_access(user=consent.user, application=consent.application)
    consent.delete()


def revoke_client_access(*, user, application) -> None:
    for model in (get_refresh_token_model(), get_access_token_model(), get_grant_model()):
        model.objects.filter(user=user, application=application).delete()


def shares_email(*, user, application) -> bool:
    return Consent.objects.filter(user=user, application=application, share_email=True).exists()


def granted_scopes(consent: Consent) -> list[str]:
    return scopes.known_only(consent.scope)


# ---------------------------------------------------------------------------------------------
# Export and deletion hooks (accounts.services)
# ---------------------------------------------------------------------------------------------


def export_obapi_data(*, user) -> dict[str, Any]:
    details = ProfileDetails.objects.filter(user=user).first()
    return {
        "connected_apps": [
            {
                "client": consent.application.name,
                "client_uri": getattr(
                    ClientInfo.objects.filter(application=consent.application).first(), "client_uri", ""
                ),
                "scopes": scopes.known_only(consent.scope),
                "shares_email": consent.share_email,
                "connected_at": consent.granted_at.isoformat(),
                "last_used_at": consent.last_used_at.isoformat() if consent.last_used_at else None,
            }
            for consent in Consent.objects.owned_by(user).select_related("application")
        ],
        "connected_hosts": [
            {
                "name": connection.name,
                "address": connection.base_url,
                "state": connection.state,
                "connected_at": connection.connected_at.isoformat() if connection.connected_at else None,
                "last_checked_at": connection.last_pulled_at.isoformat() if connection.last_pulled_at else None,
                "badges_received": connection.imported_count,
            }
            for connection in Connection.objects.owned_by(user)
        ],
        "open_badges_profile": {"url": details.url, "image": details.image} if details else {},
    }


def delete_obapi_data(*, user) -> None:
    """Tokens Manabi holds for other hosts are revoked there (best effort) before the cascade."""
    from .connections import disconnect

    for connection in Connection.objects.owned_by(user):
        disconnect(connection=connection)
    for model in (get_refresh_token_model(), get_access_token_model(), get_grant_model()):
        model.objects.filter(user=user).delete()
