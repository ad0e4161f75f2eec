"""The only module in Manabi that makes HTTP requests, and it is paranoid about it.

``SafeFetcher`` implements the core's ``Fetch`` protocol (``badges.openbadges.fetching``)::

    fetch = SafeFetcher()
    doc = fetch("https://issuer.example/assertions/1", kind="json").json()

Every request goes through the same checks, on every redirect hop:

* only ``http``/``https``, no credentials in the URL, no odd numeric hosts (``http://2130706433/``);
* the host is resolved once, *every* address it resolves to must be public (``is_global``, and the
  IPv4 address inside mapped / 6to4 / NAT64 IPv6 forms too), and we then connect to exactly the
  address we checked. Host header, SNI and certificate checks still use the real name, so there is
  no DNS-rebinding window between "check" and "connect";
* redirects are followed here (at most ``max_redirects``), re-checking scheme and address each time;
* a connect timeout plus a total deadline, and a size cap enforced while streaming the body;
* the content type must suit the ``kind`` of document asked for.

Every failure is one ``FetchError`` whose ``kind`` says why (``refused``, ``network``, ``http``,
``too_large``, ``content_type``) and whose message a learner can read.

Hosts listed in ``allow_hosts`` (``BADGE_FETCH_ALLOW_HOSTS``: 127.0.0.1 for test issuer servers)
skip only the private-address check; every other rule still applies to them.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error

from badges.openbadges.errors import FetchError
from badges.openbadges.fetching import Fetched
from badges.openbadges.i18n import gettext_noop as _

DEFAULT_USER_AGENT = "Manabi/1.0 (+Open Badges wallet)"
KB = 1024
MB = 1024 * KB
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

JSON_TYPES = frozenset({"application/json", "application/ld+json", "text/plain"})
IMAGE_TYPES = frozenset({"image/png", "image/svg+xml", "image/jpeg", "image/gif", "image/webp"})
ACCEPT = {
    "json": "application/ld+json, application/json;q=0.9, */*;q=0.1",
    "image": "image/png, image/svg+xml, image/*;q=0.8",
    "any": "application/ld+json, application/json, image/png, image/svg+xml, */*;q=0.1",
}

# Addresses that carry an IPv4 address in their low 32 bits (RFC 6052 NAT64 well-known prefix).
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
# A host made only of numbers / hex numbers and dots: inet_aton() would read it as an IPv4 address.
NUMERIC_HOST = re.compile(r"^((0x[0-9a-f]*|[0-9]+)\.){0,3}(0x[0-9a-f]*|[0-9]+)\.?$")

Resolver = Callable[[str], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# ---------------------------------------------------------------------------------------------
# Cache
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedDocument:
    """A 2xx body as we last fetched it, with the validators needed to revalidate it."""

    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    final_url: str


class NetworkLimiter(Protocol):
    """A budget per host (``badges.hosts.HostLimiter``): a slot is held around every network request."""

    def acquire(self, host: str) -> str: ...

    def release(self, key: str) -> None: ...


class DocumentCache(Protocol):
    """Where ``SafeFetcher`` keeps documents between calls. Keyed by the URL asked for."""

    def get(self, url: str) -> CachedDocument | None: ...

    def put(self, url: str, document: CachedDocument) -> None: ...


# ---------------------------------------------------------------------------------------------
# Address checks
# ---------------------------------------------------------------------------------------------


def is_public_address(ip: IPAddress) -> bool:
    """True if ``ip`` is a globally routable unicast address we may connect to.

    ``is_global`` alone is not enough: in Python 3.11 it is True for IPv4 multicast, and IPv6 forms
    that embed an IPv4 address must be judged by that address.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
        if ip.teredo is not None:
            return all(is_public_address(part) for part in ip.teredo)
        # ::a.b.c.d, the deprecated "IPv4-compatible" form (also covered by is_reserved).
        if int(ip) >> 32 == 0:
            return False
        # fec0::/10, the deprecated site-local range: Python's is_global still says True for it.
        if ip.is_site_local:
            return False
    flags = (ip.is_loopback, ip.is_private, ip.is_link_local, ip.is_multicast, ip.is_reserved, ip.is_unspecified)
    return ip.is_global and not any(flags)


def resolve_host(host: str) -> list[str]:
    """The default resolver: every address ``socket.getaddrinfo`` gives for ``host``."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


@dataclass(frozen=True)
class _Target:
    """One checked hop: where to connect and what to tell the server."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal, lower case, no brackets
    port: int
    path: str  # path + query, what goes on the request line
    ip: str  # the address we checked and will connect to

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default_port = 443 if self.scheme == "https" else 80
        return host if self.port == default_port else f"{host}:{self.port}"


# ---------------------------------------------------------------------------------------------
# The fetcher
# ---------------------------------------------------------------------------------------------


class SafeFetcher:
    """Fetches badge documents and images from the open internet, safely. See the module docstring.

    ``resolver`` (host -> list of IP strings) and ``now`` are seams for tests; ``requests_made``
    counts HTTP requests actually sent (each redirect hop counts).
    """

    def __init__(
        self,
        *,
        allow_hosts: Iterable[str] = frozenset(),
        connect_timeout: float = 5.0,
        total_timeout: float = 15.0,
        max_redirects: int = 5,
        max_json_bytes: int = 1 * MB,
        max_image_bytes: int = 5 * MB,
        user_agent: str = DEFAULT_USER_AGENT,
        resolver: Resolver = resolve_host,
        cache: DocumentCache | None = None,
        freshness: timedelta = timedelta(hours=1),
        now: Callable[[], datetime] | None = None,
        ca_certs: str | None = None,
        limiter: NetworkLimiter | None = None,
    ) -> None:
        self.allow_hosts = frozenset(host.lower().strip("[]") for host in allow_hosts)
        self.connect_timeout = connect_timeout
        self.total_timeout = total_timeout
        self.max_redirects = max_redirects
        self.max_bytes = {"json": max_json_bytes, "image": max_image_bytes, "any": max_image_bytes}
        self.user_agent = user_agent
        self.resolver = resolver
        self.cache = cache
        self.freshness = freshness
        self.now = now or (lambda: datetime.now(UTC))
        self.ca_certs = ca_certs or _default_ca_certs()
        self.limiter = limiter
        self.requests_made = 0
        self._count_lock = threading.Lock()
        # An absolute ``time.monotonic()`` limit over every fetch (one import as a whole), or None.
        self.deadline: float | None = None

    def __call__(self, url: str, *, kind: str = "json") -> Fetched:
        """Fetch ``url`` as ``kind`` (``"json"``, ``"image"`` or ``"any"``); raise ``FetchError``."""
        if kind not in self.max_bytes:
            raise ValueError(f"unknown fetch kind {kind!r}")
        cached = self.cache.get(url) if self.cache is not None else None
        if cached is not None and self.now() - cached.fetched_at < self.freshness:
            return self._from_cache(url, cached, kind)

        conditional = {}
        if cached is not None and cached.etag:
            conditional["If-None-Match"] = cached.etag
        if cached is not None and cached.last_modified:
            conditional["If-Modified-Since"] = cached.last_modified

        status, final_url, content_type, headers, body = self._get_within_limits(
            url, kind=kind, extra_headers=conditional
        )
        if status == 304 and cached is not None:
            cached = replace(cached, fetched_at=self.now())
            self.cache.put(url, cached)
            return self._from_cache(url, cached, kind)

        if self.cache is not None:
            document = CachedDocument(
                body=body,
                content_type=content_type,
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
                fetched_at=self.now(),
                final_url=final_url,
            )
            self.cache.put(url, document)
        return Fetched(url=final_url, body=body, content_type=content_type, status=status, headers=headers)

    # The Fetch protocol is a callable; ``fetcher.fetch(url)`` reads better in some call sites.
    fetch = __call__

    # -- one request, following redirects ---------------------------------------------------------

    def _get_within_limits(self, url: str, *, kind: str, extra_headers: dict[str, str]):
        """``_get`` inside a slot of the host's budget, when a limiter was given (cache hits are free)."""
        if self.limiter is None:
            return self._get(url, kind=kind, extra_headers=extra_headers)
        slot = self.limiter.acquire(host_of(url))
        try:
            return self._get(url, kind=kind, extra_headers=extra_headers)
        finally:
            self.limiter.release(slot)

    def _get(self, url: str, *, kind: str, extra_headers: dict[str, str]) -> tuple[int, str, str, dict, bytes]:
        deadline = time.monotonic() + self.total_timeout
        headers = {
            "User-Agent": self.user_agent,
            "Accept": ACCEPT[kind],
            # We cap the size of what we read; a compressed body would let a small read explode.
            "Accept-Encoding": "identity",
            **extra_headers,
        }
        if self.deadline is not None:
            deadline = min(deadline, self.deadline)
        current = url
        for hop in range(self.max_redirects + 1):
            target = self._check(current, original=url)
            pool = self._open_pool(target.scheme, target.ip, target.port, target.host)
            # urllib3's read timeout restarts with every byte, so a server dripping its status line
            # and headers could hold us for ever: the watchdog cuts the connection at the deadline.
            with Watchdog(pool, deadline) as watchdog:
                try:
                    answer = self._exchange(pool, target, url, hop, headers, extra_headers, kind, deadline)
                except _Redirect as redirect:
                    current = redirect.location
                    continue
                except FetchError:
                    if watchdog.fired:
                        raise FetchError(_("{url} took too long to answer."), url=url, kind="network") from None
                    raise
                if watchdog.fired:  # the body was cut short at the deadline
                    raise FetchError(_("{url} took too long to answer."), url=url, kind="network")
                return answer
        raise AssertionError("unreachable")  # the loop returns or raises on its last hop

    def _exchange(self, pool, target: _Target, url: str, hop: int, headers, extra_headers, kind: str, deadline: float):
        """One request and its answer: a ``_Redirect`` to follow, a 304, or a checked 2xx body."""
        response = self._send(pool, target, headers=headers, deadline=deadline, original=url)
        try:
            location = response.headers.get("Location")
            if response.status in REDIRECT_STATUSES and location:
                if hop == self.max_redirects:
                    raise FetchError(
                        _("{url} redirected more than {max} times."), url=url, kind="refused", max=self.max_redirects
                    )
                raise _Redirect(urljoin(target.url, location.strip()))
            if response.status == 304 and extra_headers:
                # Not modified since the copy in our cache: the caller serves that copy.
                return 304, target.url, "", {}, b""
            if not 200 <= response.status < 300:
                raise FetchError(_("{url} answered HTTP {status}."), url=url, kind="http", status=response.status)
            content_type = _media_type(response.headers.get("Content-Type", ""))
            self._check_content_type(content_type, kind=kind, url=url)
            body = self._read_body(response, kind=kind, deadline=deadline, url=url)
            response_headers = {name.lower(): value for name, value in response.headers.items()}
            return response.status, target.url, content_type, response_headers, body
        finally:
            response.close()
            pool.close()

    def _check(self, url: str, *, original: str) -> _Target:
        """Parse ``url`` and check it against every rule that does not need a connection."""

        def refuse(template: str, **params) -> FetchError:
            return FetchError(template, url=original, kind="refused", **params)

        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise refuse(_("{url} is not a valid web address.")) from exc
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise refuse(_("Only http and https addresses can be fetched, not {target}."), target=url)
        if parts.username is not None or parts.password is not None:
            # Keep the secret out of the error (it ends up in logs and in the database).
            raise FetchError(
                _("Web addresses with a user name or password are not fetched."),
                url=_without_credentials(original),
                kind="refused",
            )
        host = parts.hostname or ""
        try:
            host = host.encode("idna").decode("ascii") if host else ""
        except UnicodeError as exc:
            raise refuse(_("{target} has a host name we cannot read."), target=url) from exc
        if not host:
            raise refuse(_("{target} has no host name."), target=url)
        port = port or (443 if scheme == "https" else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

        literal = _ip_literal(host)
        if literal is None and NUMERIC_HOST.match(host):
            # 2130706433, 0177.0.0.1, 0x7f.1: the OS would read these as 127.0.0.1. Nobody serves
            # badges from such an address, so refuse instead of re-implementing inet_aton.
            raise refuse(_("{target} uses an unusual numeric address."), target=url)

        if literal is not None:
            addresses = [str(literal)]
        else:
            addresses = self._resolve(host, original=original)
        if host not in self.allow_hosts:
            for address in addresses:
                ip = _ip_literal(address)
                if ip is None or not is_public_address(ip):
                    raise refuse(_("{target} points to a private or reserved network address."), target=url)
        # Connect to the first address we checked: never look the name up a second time.
        return _Target(url=url, scheme=scheme, host=host, port=port, path=path, ip=addresses[0])

    def _resolve(self, host: str, *, original: str) -> list[str]:
        try:
            addresses = list(self.resolver(host))
        except (OSError, UnicodeError) as exc:
            raise FetchError(_("Could not find the host {host}."), url=original, kind="network", host=host) from exc
        if not addresses:
            raise FetchError(_("Could not find the host {host}."), url=original, kind="network", host=host)
        return addresses

    def _send(self, pool, target: _Target, *, headers: dict[str, str], deadline: float, original: str):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pool.close()
            raise FetchError(_("{url} took too long to answer."), url=original, kind="network")
        timeout = urllib3.Timeout(connect=min(self.connect_timeout, remaining), read=remaining)
        # Counts attempts: a request that then fails to connect still counts.
        with self._count_lock:
            self.requests_made += 1
        try:
            return pool.urlopen(
                "GET",
                target.path,
                headers={**headers, "Host": target.host_header},
                retries=False,
                redirect=False,
                assert_same_host=False,
                timeout=timeout,
                preload_content=False,
            )
        except (Urllib3Error, OSError) as exc:
            pool.close()
            raise _network_error(exc, url=original) from exc

    def _open_pool(self, scheme: str, ip: str, port: int, host: str) -> urllib3.HTTPConnectionPool:
        """The one place a connection is opened: to the checked ``ip``, speaking as ``host``.

        Tests override this to record where we connect (see ``tests/badges/test_ssrf.py``).
        """
        if scheme == "http":
            return urllib3.HTTPConnectionPool(ip, port, maxsize=1)
        return urllib3.HTTPSConnectionPool(
            ip,
            port,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            ca_certs=self.ca_certs,
            # SNI and the certificate check use the name from the URL, not the IP we dial.
            server_hostname=host,
            assert_hostname=host,
        )

    def _check_content_type(self, content_type: str, *, kind: str, url: str) -> None:
        json_ok = content_type in JSON_TYPES or content_type.endswith("+json")
        image_ok = content_type in IMAGE_TYPES
        allowed = {"json": json_ok, "image": image_ok, "any": json_ok or image_ok}[kind]
        if not allowed:
            raise FetchError(
                _("{url} sent {content_type}, which is not a badge document or image."),
                url=url,
                kind="content_type",
                content_type=content_type or "no content type",
            )

    def _read_body(self, response, *, kind: str, deadline: float, url: str) -> bytes:
        limit = self.max_bytes[kind]
        too_large = FetchError(_("{url} is larger than {limit} KB."), url=url, kind="too_large", limit=limit // KB)
        declared = response.headers.get("Content-Length", "")
        if declared.strip().isdigit() and int(declared) > limit:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                # read1 returns what has arrived instead of waiting for a full chunk, so a server
                # dripping bytes cannot keep us past the deadline by more than one read timeout.
                chunk = response.read1(64 * KB)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise too_large
                if time.monotonic() > deadline:
                    raise FetchError(_("{url} took too long to answer."), url=url, kind="network")
                chunks.append(chunk)
        except (Urllib3Error, OSError) as exc:
            raise _network_error(exc, url=url) from exc
        return b"".join(chunks)

    def _from_cache(self, url: str, cached: CachedDocument, kind: str) -> Fetched:
        # A document cached for one kind may be asked for as another: apply the same rules.
        self._check_content_type(cached.content_type, kind=kind, url=url)
        if len(cached.body) > self.max_bytes[kind]:
            raise FetchError(
                _("{url} is larger than {limit} KB."), url=url, kind="too_large", limit=self.max_bytes[kind] // KB
            )
        headers = {"content-type": cached.content_type}
        if cached.etag:
            headers["etag"] = cached.etag
        if cached.last_modified:
            headers["last-modified"] = cached.last_modified
        return Fetched(url=cached.final_url, body=cached.body, content_type=cached.content_type, headers=headers)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


class _Redirect(Exception):
    def __init__(self, location: str) -> None:
        self.location = location


class Watchdog:
    """Cuts every connection a pool opens once ``deadline`` (``time.monotonic()``) passes.

    Socket timeouts bound each wait for a byte, not the whole exchange: this bounds the whole
    exchange (connect, status line, headers, body) from one timer thread per fetch.
    """

    def __init__(self, pool, deadline: float) -> None:
        self.fired = False
        self._connections: list = []
        self._lock = threading.Lock()
        new_conn = pool._new_conn

        def recording_new_conn():
            conn = new_conn()
            with self._lock:
                self._connections.append(conn)
            return conn

        pool._new_conn = recording_new_conn
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        self.fired = True
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            sock = getattr(conn, "sock", None)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _ip_literal(host: str) -> IPAddress | None:
    """``host`` as an IP address if it is written as one in canonical form, else None."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def host_of(url: str) -> str:
    """The lower-case host name of ``url``, or "" when it has none or cannot be parsed."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _without_credentials(url: str) -> str:
    """``https://user:pw@host/x`` -> ``https://host/x`` (best effort, for messages and logs)."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rsplit("@", 1)[-1]
    except ValueError:
        return "(invalid address)"
    return parts._replace(netloc=netloc).geturl()


def _media_type(content_type: str) -> str:
    """``"Application/JSON; charset=utf-8"`` -> ``"application/json"``."""
    return content_type.split(";", 1)[0].strip().lower()


def _network_error(exc: BaseException, *, url: str) -> FetchError:
    # Before the timeout test: urllib3's NewConnectionError subclasses its ConnectTimeoutError, so
    # a refused connection would otherwise read "took too long to answer".
    if _caused_by(exc, ConnectionRefusedError):
        return FetchError(_("{url} refused the connection."), url=url, kind="network")
    if _caused_by(exc, socket.gaierror):
        return FetchError(_("Could not find the host of {url}."), url=url, kind="network")
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return FetchError(_("Could not connect to {url}."), url=url, kind="network")
    if isinstance(exc, (urllib3.exceptions.TimeoutError, TimeoutError, socket.timeout)):
        return FetchError(_("{url} took too long to answer."), url=url, kind="network")
    if isinstance(exc, urllib3.exceptions.SSLError):
        return FetchError(_("The secure connection to {url} could not be verified."), url=url, kind="network")
    return FetchError(_("Could not connect to {url}."), url=url, kind="network")


def _caused_by(exc: BaseException | None, kind: type[BaseException]) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _default_ca_certs() -> str | None:
    # certifi comes with requests; without it urllib3 falls back to the system store.
    try:
        import certifi
    except ImportError:
        return None
    return certifi.where()


def fetcher_from_settings(
    *, cache: DocumentCache | None = None, limiter: NetworkLimiter | None = None, **options
) -> SafeFetcher:
    """A ``SafeFetcher`` configured from Django settings (imported lazily; the rest is Django-free).

    Reads ``BADGE_FETCH_ALLOW_HOSTS`` (host names / IPs allowed to be private),
    ``BADGE_FETCH_TIMEOUT`` (total seconds per fetch; the connect timeout is at most 5 s of it)
    and ``BADGE_FETCH_USER_AGENT``. Other ``SafeFetcher`` options (``freshness``…) pass through.
    """
    from django.conf import settings

    total = float(settings.BADGE_FETCH_TIMEOUT)
    return SafeFetcher(
        allow_hosts=frozenset(settings.BADGE_FETCH_ALLOW_HOSTS or ()),
        connect_timeout=min(5.0, total),
        total_timeout=total,
        user_agent=settings.BADGE_FETCH_USER_AGENT,
        cache=cache,
        limiter=limiter,
        **options,
    )
