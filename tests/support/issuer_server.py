"""A real issuer for tests: a threaded HTTP server on 127.0.0.1 that serves what a test tells it to.

    server = IssuerServer().start()
    server.serve("/assertion.json", {"id": server.url("/assertion.json")})
    fetch(server.url("/assertion.json"))
    assert server.hit_count("/assertion.json") == 1
    server.stop()  # from now on, connections are really refused

The pytest fixtures at the bottom are registered project-wide by ``tests/conftest.py``
(``pytest_plugins = ["tests.support.issuer_server"]``). This module does not need Django.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Route:
    """What the server answers for one path."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    # None: send the real length. False: send none (the body ends when the connection closes).
    # An int: announce that length whatever the body is.
    content_length: int | bool | None = None


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received. ``headers`` keys are lower case."""

    method: str
    path: str
    headers: dict[str, str]


class IssuerServer:
    """A threaded HTTP/1.0 server on ``127.0.0.1`` (free port, kept across ``stop()``/``start()``).

    Pass ``ssl_context`` (a server-side ``ssl.SSLContext``) to speak HTTPS instead.
    """

    allow_hosts = frozenset({LOOPBACK})
    host = LOOPBACK

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.ssl_context = ssl_context
        self.port = 0
        self.routes: dict[str, Route] = {}
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> IssuerServer:
        """Start listening (again, on the same port after ``stop()``)."""
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _Server((LOOPBACK, self.port), _make_handler(self))
        self.port = self._httpd.server_address[1]
        if self.ssl_context is not None:
            # Handshake lazily, in the handler thread, so a client failing TLS can't stall the server.
            self._httpd.socket = self.ssl_context.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01})
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop and close the listening socket: new connections are refused by the OS."""
        if self._httpd is None:
            return
        # Wake handlers sleeping on a route delay so they don't outlive the test for long.
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
        self._httpd = self._thread = None

    @property
    def running(self) -> bool:
        return self._httpd is not None

    def __enter__(self) -> IssuerServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- configuration --------------------------------------------------------------------------------

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this server: ``http://127.0.0.1:<port>/path``."""
        if not path.startswith("/"):
            path = "/" + path
        scheme = "http" if self.ssl_context is None else "https"
        return f"{scheme}://{LOOPBACK}:{self.port}{path}"

    def serve(
        self,
        path: str,
        body: bytes | str | dict | list = b"",
        *,
        status: int = 200,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        delay: float = 0.0,
        content_length: int | bool | None = None,
    ) -> str:
        """Answer ``path`` with ``body``; returns ``url(path)``.

        dicts/lists are sent as JSON. ``content_type`` defaults from the body: JSON for dicts,
        lists and text, ``image/png`` / ``image/svg+xml`` for those images. ``content_type=None``
        after the default is chosen cannot be expressed; pass ``content_type=""`` to send no
        Content-Type header. With ``etag``/``last_modified``, a matching conditional request gets 304.
        """
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        if content_type is None:
            content_type = _guess_content_type(body)
        self.routes[path] = Route(
            body=body,
            status=status,
            content_type=content_type or None,
            headers=dict(headers or {}),
            etag=etag,
            last_modified=last_modified,
            delay=delay,
            content_length=content_length,
        )
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        """Answer ``path`` with a redirect to ``location`` (absolute or relative); returns ``url(path)``."""
        return self.serve(path, b"", status=status, content_type="", headers={"Location": location})

    # -- what happened -------------------------------------------------------------------------------

    @property
    def hits(self) -> list[str]:
        """Paths requested so far (with query string), in order."""
        with self._lock:
            return [request.path for request in self.requests]

    def hit_count(self, path: str) -> int:
        return self.hits.count(path)

    def last_request(self, path: str | None = None) -> RecordedRequest:
        with self._lock:
            matching = [r for r in self.requests if path is None or r.path == path]
        return matching[-1]

    def reset(self) -> None:
        """Forget routes and recorded requests."""
        with self._lock:
            self.requests.clear()
        self.routes.clear()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that stops reading (size cap, timeout) makes our writes fail; that is expected.
        pass


def _make_handler(server: IssuerServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            server._record(RecordedRequest(method="GET", path=self.path, headers=headers))
            route = server.routes.get(self.path) or server.routes.get(self.path.split("?", 1)[0])
            if route is None:
                route = Route(body=b'{"error": "not found"}', status=404)
            if route.delay and server._stopping.wait(route.delay):
                return
            if _not_modified(route, headers):
                self.send_response(304)
                if route.etag:
                    self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            if route.content_type:
                self.send_header("Content-Type", route.content_type)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            if route.content_length is None or route.content_length is True:
                self.send_header("Content-Length", str(len(route.body)))
            elif route.content_length is not False:
                self.send_header("Content-Length", str(route.content_length))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(route.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler


def _not_modified(route: Route, headers: dict[str, str]) -> bool:
    if route.status != 200:
        return False
    if route.etag and "if-none-match" in headers:
        candidates = [tag.strip() for tag in headers["if-none-match"].split(",")]
        return "*" in candidates or route.etag in candidates
    return bool(route.last_modified) and headers.get("if-modified-since") == route.last_modified


def _guess_content_type(body: bytes) -> str:
    if body.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    head = body[:200].lstrip()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in body[:1000]):
        return "image/svg+xml"
    return "application/json"


# ---------------------------------------------------------------------------------------------
# pytest fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def issuer_server():
    """A running ``IssuerServer``; pass ``issuer_server.allow_hosts`` to fetchers you build.

    When Django settings are configured, ``BADGE_FETCH_ALLOW_HOSTS`` is ["127.0.0.1"] for the
    duration of the test only (so SSRF tests elsewhere run with the allowance off).
    """
    server = IssuerServer().start()
    with _django_allowance(list(IssuerServer.allow_hosts)):
        try:
            yield server
        finally:
            server.stop()


@contextlib.contextmanager
def _django_allowance(hosts: list[str]):
    settings = _django_settings()
    if settings is None:
        yield
        return
    missing = object()
    previous = getattr(settings, "BADGE_FETCH_ALLOW_HOSTS", missing)
    settings.BADGE_FETCH_ALLOW_HOSTS = hosts
    try:
        yield
    finally:
        if previous is missing:
            del settings.BADGE_FETCH_ALLOW_HOSTS
        else:
            settings.BADGE_FETCH_ALLOW_HOSTS = previous


def _django_settings():
    """Django's settings if they are (or can be) configured, else None; never fails."""
    try:
        from django.conf import settings
    except ImportError:
        return None
    try:
        if settings.configured or os.environ.get("DJANGO_SETTINGS_MODULE"):
            _ = settings.INSTALLED_APPS  # forces the lazy settings to load; may raise
            return settings
    except Exception:  # a broken or absent settings module just means "no Django"
        return None
    return None


@pytest.fixture
def loopback_only_sockets(monkeypatch):
    """Fail the test if anything tries to connect a socket anywhere but 127.0.0.0/8 or ::1.

    A safety net under the SSRF tests: even a bug in ``badges.fetch`` cannot reach the network.
    """

    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def check(address: Any) -> None:
        if isinstance(address, tuple):
            host = str(address[0])
            if not (host.startswith("127.") or host in ("::1", "::ffff:127.0.0.1", "localhost")):
                raise AssertionError(f"test tried to connect to {address!r}: only loopback is allowed")

    def connect(sock: socket.socket, address: Any) -> None:
        check(address)
        return real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check(address)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
