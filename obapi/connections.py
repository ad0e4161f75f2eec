"""Manabi as a client of other Open Badges 3.0 hosts: connect (discovery → dynamic registration →
authorization code + PKCE), pull credentials into the wallet, refresh, disconnect.

Every request goes through ``obapi.http.HostClient`` (the badge fetcher's SSRF guard). Tokens are
stored encrypted (``obapi.crypto``). Failure rules, as a careful client: an expired access token is
refreshed; a refused refresh (revoked) asks the learner to reconnect; a host that is down is tried
again later with backoff, and ``since`` only moves forward after a complete pull, so nothing is lost.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from badges.models import Badge
from badges.openbadges.errors import FetchError
from badges.presentation import translate
from badges.services import ImportRefused, import_badge

from . import crypto, scopes
from .http import Answer, HostClient, host_client
from .models import Connection

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/ims/ob/v3p0/discovery"
PAGE_SIZE = 100


class ConnectError(Exception):
    """Connecting failed; ``message`` is for the learner (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Reconnect(Exception):
    """The host no longer accepts our tokens: the learner must connect again."""


@dataclass
class PullReport:
    imported: int = 0
    already_had: int = 0
    refused: list[str] = field(default_factory=list)
    seen: int = 0


# ---------------------------------------------------------------------------------------------
# Connect
# ---------------------------------------------------------------------------------------------


def discovery_url_for(address: str) -> str:
    address = address.strip()
    if not address.lower().startswith(("https://", "http://")):
        raise ConnectError(_("Please enter a web address starting with https://."))
    if urlsplit(address).path.rstrip("/").endswith("/discovery"):
        return address
    return address.rstrip("/") + DISCOVERY_PATH


def read_discovery(document: Any, *, url: str) -> dict[str, str]:
    """The endpoints we need from a host's service description (an OB 3.0 OpenAPI document)."""
    try:
        scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
        flow = scheme["flows"]["authorizationCode"]
        endpoints = {
            "registration": scheme["x-imssf-registrationUrl"],
            "authorization": flow["authorizationUrl"],
            "token": flow["tokenUrl"],
            "refresh": flow.get("refreshUrl") or flow["tokenUrl"],
            "api": document["servers"][0]["url"].rstrip("/"),
        }
        name = str(document.get("info", {}).get("title", ""))[:200]
    except (KeyError, IndexError, TypeError, AttributeError):
        raise ConnectError(
            _("%(url)s does not describe an Open Badges 3.0 service we can connect to.") % {"url": url}
        ) from None
    revocation = scheme.get("x-manabi-revocationUrl")
    if isinstance(revocation, str):
        endpoints["revocation"] = revocation
    if not all(isinstance(v, str) and v.lower().startswith(("https://", "http://")) for v in endpoints.values()):
        raise ConnectError(_("%(url)s lists endpoints that are not web addresses.") % {"url": url})
    endpoints["name"] = name
    return endpoints


def start_connection(
    *, owner, address: str, redirect_uri: str, client: HostClient | None = None
) -> tuple[Connection, str]:
    """Discover the host, register Manabi there, and return the pending connection and the URL to
    send the learner to (the host's consent page)."""
    client = client or host_client()
    url = discovery_url_for(address)
    try:
        answer = client.request("GET", url)
        if not answer.ok:
            raise ConnectError(_("%(url)s answered HTTP %(status)s.") % {"url": url, "status": answer.status})
        endpoints = read_discovery(answer.json(), url=url)
        registration = _register(client, endpoints["registration"], redirect_uri=redirect_uri)
    except FetchError as exc:
        raise ConnectError(translate(exc.template, exc.params)) from exc

    verifier = secrets.token_urlsafe(64)
    connection = Connection.objects.create(
        owner=owner,
        base_url=address.strip()[:2000],
        name=endpoints.pop("name") or urlsplit(url).hostname or "",
        endpoints=endpoints,
        client_id=registration["client_id"],
        client_secret_enc=crypto.encrypt(registration["client_secret"]),
        auth_state=secrets.token_urlsafe(32),
        pkce_verifier_enc=crypto.encrypt(verifier),
        scope=" ".join(scopes.PULL),
    )
    query = urlencode(
        {
            "response_type": "code",
            "client_id": connection.client_id,
            "redirect_uri": redirect_uri,
            "scope": connection.scope,
            "state": connection.auth_state,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in endpoints["authorization"] else "?"
    return connection, f"{endpoints['authorization']}{separator}{query}"


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _register(client: HostClient, url: str, *, redirect_uri: str) -> dict[str, str]:
    site = settings.SITE_URL
    metadata = {
        "client_name": "Manabi",
        "client_uri": site + "/",
        "logo_uri": site + "/static/img/logo.svg",
        "tos_uri": settings.OBAPI_TERMS_URL,
        "policy_uri": settings.OBAPI_PRIVACY_URL,
        "software_id": "manabi-wallet",
        "software_version": "1.0",
        "redirect_uris": [redirect_uri],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": " ".join(scopes.PULL),
    }
    answer = client.request(
        "POST", url, headers={"Content-Type": "application/json"}, body=json.dumps(metadata).encode()
    )
    data = answer.json() if answer.body else {}
    if not answer.ok or not isinstance(data, dict) or not data.get("client_id") or not data.get("client_secret"):
        raise ConnectError(
            _("The other site did not let Manabi register (HTTP %(status)s).") % {"status": answer.status}
        )
    return data


def finish_connection(
    *, owner, state: str, code: str, error: str, redirect_uri: str, client: HostClient | None = None
) -> Connection:
    """The learner came back from the host's consent page: trade the code for tokens."""
    connection = Connection.objects.owned_by(owner).filter(auth_state=state, state=Connection.State.PENDING).first()
    if not state or connection is None:
        raise ConnectError(_("This connection request has expired or was already used. Please start again."))
    if error or not code:
        connection.delete()
        raise ConnectError(_("The connection was not allowed, so nothing was connected."))
    client = client or host_client()
    verifier = crypto.decrypt(connection.pkce_verifier_enc)
    try:
        answer = _token_request(
            client,
            connection,
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier},
        )
    except FetchError as exc:
        raise ConnectError(translate(exc.template, exc.params)) from exc
    if not answer.ok:
        connection.delete()
        raise ConnectError(
            _("The other site refused to complete the connection (HTTP %(status)s).") % {"status": answer.status}
        )
    _store_tokens(connection, answer.json())
    connection.state = Connection.State.ACTIVE
    connection.auth_state = ""
    connection.pkce_verifier_enc = ""
    connection.connected_at = connection.next_pull_at = timezone.now()
    connection.save()
    return connection


def _token_request(client: HostClient, connection: Connection, form: dict[str, str], *, url: str = "") -> Answer:
    secret = crypto.decrypt(connection.client_secret_enc)
    basic = base64.b64encode(f"{_form_quote(connection.client_id)}:{_form_quote(secret)}".encode()).decode()
    return client.request(
        "POST",
        url or connection.endpoints["token"],
        headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"},
        body=urlencode(form).encode(),
    )


def _form_quote(value: str) -> str:
    # RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding.
    return urlencode({"": value})[1:]


def _store_tokens(connection: Connection, data: Any) -> None:
    if not isinstance(data, dict) or not data.get("access_token"):
        raise FetchError(
            "{url} did not answer with JSON.", url=connection.endpoints.get("token", ""), kind="content_type"
        )
    connection.access_token_enc = crypto.encrypt(str(data["access_token"]))
    if data.get("refresh_token"):
        connection.refresh_token_enc = crypto.encrypt(str(data["refresh_token"]))
    expires_in = data.get("expires_in")
    connection.access_expires_at = (
        timezone.now() + timedelta(seconds=int(expires_in)) if isinstance(expires_in, int | float) else None
    )
    if data.get("scope"):
        connection.scope = str(data["scope"])[:2000]


# ---------------------------------------------------------------------------------------------
# Pull
# ---------------------------------------------------------------------------------------------


def pull_connection(
    *, connection: Connection, client: HostClient | None = None, now: datetime | None = None
) -> PullReport:
    """Fetch credentials new since the last complete pull and import each through the wallet's
    pipeline. Updates the connection's state, backoff and ``since`` mark; never raises for a host's
    trouble (it is recorded on the connection)."""
    # What is recorded for the learner to read is in the learner's language.
    with translation.override(connection.owner.preferred_language or settings.LANGUAGE_CODE):
        return _pull(connection, client or host_client(), now or timezone.now())


def _pull(connection: Connection, client: HostClient, started: datetime) -> PullReport:
    report = PullReport()
    try:
        _pull_pages(connection, client, report)
    except Reconnect:
        connection.state = Connection.State.RECONNECT
        connection.access_token_enc = connection.refresh_token_enc = ""
        connection.last_error = _("The other site no longer accepts Manabi's access. Please connect again.")
        connection.next_pull_at = None
    except FetchError as exc:
        connection.consecutive_failures += 1
        connection.last_error = translate(exc.template, exc.params)
        connection.next_pull_at = started + _backoff(connection.consecutive_failures)
    else:
        # A complete pull: next time ask only for what is newer (with an hour of overlap for clocks).
        connection.pulled_until = started - timedelta(hours=1)
        connection.consecutive_failures = 0
        connection.last_error = (
            _("%(count)s credentials could not be added: %(reason)s")
            % {"count": len(report.refused), "reason": report.refused[0]}
            if report.refused
            else ""
        )
        connection.next_pull_at = started + timedelta(minutes=settings.OBAPI_PULL_MINUTES)
    connection.last_pulled_at = timezone.now()
    connection.imported_count += report.imported
    connection.save()
    return report


def _backoff(failures: int) -> timedelta:
    minutes = settings.OBAPI_PULL_MINUTES * (2 ** min(failures - 1, 10))
    return min(timedelta(minutes=minutes), timedelta(hours=settings.OBAPI_PULL_RETRY_CAP_HOURS))


def _pull_pages(connection: Connection, client: HostClient, report: PullReport) -> None:
    offset = 0
    limit = settings.OBAPI_PULL_MAX_CREDENTIALS
    while report.seen < limit:
        params = {"limit": PAGE_SIZE, "offset": offset}
        if connection.pulled_until:
            params["since"] = connection.pulled_until.strftime("%Y-%m-%dT%H:%M:%SZ")
        answer = _authorized_get(connection, client, f"{connection.endpoints['api']}/credentials?{urlencode(params)}")
        page = answer.json()
        if not isinstance(page, dict):
            raise FetchError("{url} did not answer with JSON.", url=answer.url, kind="content_type")
        items = [json.dumps(c, ensure_ascii=False) for c in page.get("credential") or [] if isinstance(c, dict)]
        items += [c for c in page.get("compactJwsString") or [] if isinstance(c, str)]
        for item in items[: limit - report.seen]:
            report.seen += 1
            _import_one(connection, item, report)
        offset += PAGE_SIZE
        total = answer.headers.get("x-total-count", "")
        if not items or (total.isdigit() and offset >= int(total)):
            return


def _import_one(connection: Connection, item: str, report: PullReport) -> None:
    credential_id = _credential_id(item)
    if credential_id and Badge.objects.owned_by(connection.owner).filter(badge_id=credential_id).exists():
        report.already_had += 1
        return
    try:
        import_badge(owner=connection.owner, payload=item)
    except ImportRefused as refusal:
        if refusal.code == "duplicate":
            report.already_had += 1
        else:
            report.refused.append(refusal.message)
    else:
        report.imported += 1


def _credential_id(item: str) -> str:
    try:
        if item.startswith("{"):
            return str(json.loads(item).get("id") or "")
        payload = item.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return str(data.get("jti") or data.get("vc", data).get("id") or "")
    except (ValueError, AttributeError, IndexError):
        return ""


def _authorized_get(connection: Connection, client: HostClient, url: str) -> Answer:
    if connection.access_expires_at and connection.access_expires_at <= timezone.now() + timedelta(seconds=30):
        refresh(connection=connection, client=client)
    answer = _bearer_get(connection, client, url)
    if answer.status == 401:
        refresh(connection=connection, client=client)
        answer = _bearer_get(connection, client, url)
        if answer.status == 401:
            raise Reconnect()
    if answer.status == 403:
        raise Reconnect()
    if not answer.ok:
        raise FetchError("{url} answered HTTP {status}.", url=url, kind="http", status=answer.status)
    return answer


def _bearer_get(connection: Connection, client: HostClient, url: str) -> Answer:
    token = crypto.decrypt(connection.access_token_enc)
    return client.request("GET", url, headers={"Authorization": f"Bearer {token}"})


def refresh(*, connection: Connection, client: HostClient) -> None:
    """New tokens from the refresh token; ``Reconnect`` when the host refuses it (revoked, expired)."""
    refresh_token = crypto.decrypt(connection.refresh_token_enc)
    if not refresh_token:
        raise Reconnect()
    answer = _token_request(
        client,
        connection,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        url=connection.endpoints.get("refresh") or connection.endpoints["token"],
    )
    if answer.status in (400, 401):
        raise Reconnect()
    if not answer.ok:
        raise FetchError("{url} answered HTTP {status}.", url=answer.url, kind="http", status=answer.status)
    _store_tokens(connection, answer.json())
    connection.save(update_fields=["access_token_enc", "refresh_token_enc", "access_expires_at", "scope"])


# ---------------------------------------------------------------------------------------------
# Disconnect
# ---------------------------------------------------------------------------------------------


def disconnect(*, connection: Connection, client: HostClient | None = None) -> bool:
    """Revoke our tokens at the host (RFC 7009, when it offers a revocation endpoint) and forget the
    connection. Badges already received stay in the wallet. Returns False if revoking failed (the
    host was down); the tokens are deleted here anyway."""
    revoked = True
    url = connection.endpoints.get("revocation")
    if url and connection.state != Connection.State.PENDING:
        client = client or host_client()
        for kind in ("refresh_token", "access_token"):
            token = crypto.decrypt(getattr(connection, f"{kind}_enc"))
            if not token:
                continue
            try:
                answer = _token_request(client, connection, {"token": token, "token_type_hint": kind}, url=url)
                revoked = revoked and answer.ok
            except FetchError:
                revoked = False
    with transaction.atomic():
        connection.delete()
    return revoked


def due_connections(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(
        Connection.objects.filter(state=Connection.State.ACTIVE, next_pull_at__lte=now)
        .order_by("next_pull_at")
        .values_list("pk", flat=True)[:limit]
    )
