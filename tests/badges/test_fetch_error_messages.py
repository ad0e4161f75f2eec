"""Each way an issuer can fail to answer has its own message: refused, DNS, TLS, timeout, HTTP status."""

from __future__ import annotations

import socket

import pytest

from badges.fetch import SafeFetcher
from badges.openbadges.errors import FetchError

pytestmark = pytest.mark.usefixtures("loopback_only_sockets")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def error_of(fetcher: SafeFetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetcher(url)
    return caught.value


def test_a_refused_connection_is_not_reported_as_a_timeout(issuer_server):
    fetcher = SafeFetcher(allow_hosts={"127.0.0.1"}, connect_timeout=1, total_timeout=3)

    error = error_of(fetcher, f"http://127.0.0.1:{closed_port()}/a/1")

    assert error.kind == "network"
    assert "refused the connection" in error.message
    assert "took too long" not in error.message


def test_a_slow_issuer_is_reported_as_a_timeout(issuer_server):
    url = issuer_server.serve("/slow", {"id": "x"}, delay=2)
    fetcher = SafeFetcher(allow_hosts=issuer_server.allow_hosts, connect_timeout=1, total_timeout=0.5)

    assert "took too long" in error_of(fetcher, url).message


def test_an_unknown_host_is_reported_as_a_dns_failure():
    def no_such_host(name):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    fetcher = SafeFetcher(allow_hosts={"issuer.invalid"}, resolver=no_such_host, total_timeout=1)

    assert "Could not find the host" in error_of(fetcher, "https://issuer.invalid/a/1").message


def test_an_http_error_status_is_reported_with_its_number(issuer_server):
    url = issuer_server.serve("/down", {"id": "x"}, status=503)
    fetcher = SafeFetcher(allow_hosts=issuer_server.allow_hosts, total_timeout=3)

    error = error_of(fetcher, url)
    assert error.kind == "http"
    assert "HTTP 503" in error.message


def test_the_messages_are_all_different_and_translated(settings):
    from django.utils import translation

    from badges.services import translate

    templates = [
        "{url} refused the connection.",
        "Could not find the host {host}.",
        "The secure connection to {url} could not be verified.",
        "{url} took too long to answer.",
        "{url} answered HTTP {status}.",
    ]
    with translation.override("ja"):
        japanese = [translate(t, {"url": "u", "host": "h", "status": 503}) for t in templates]
    assert len(set(japanese)) == len(templates)
    assert all(t.replace("{url}", "u") not in japanese for t in templates)
