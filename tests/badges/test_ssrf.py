"""SafeFetcher refuses to be turned against our own network (SSRF), before it opens any connection.

How these tests stay on the loopback interface while talking about public hosts:

* Names are resolved by ``FakeDNS``, passed through SafeFetcher's ``resolver`` seam: no real DNS.
* ``LabFetcher`` overrides SafeFetcher's single connection point (``_open_pool``) to record every
  dial as (host, ip, port). A dial to a loopback address goes ahead; a dial to a public-looking
  address listed in ``routes`` is carried to 127.0.0.1 instead (the test issuer plays that host);
  any other dial raises ``DialBlocked``. It fails closed.
* Under all of it, the ``loopback_only_sockets`` fixture fails any socket connect outside
  127.0.0.0/8 and ::1, so even a bug in the seam cannot reach the network.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from badges.fetch import SafeFetcher, is_public_address, resolve_host
from badges.openbadges.errors import FetchError

pytestmark = pytest.mark.usefixtures("loopback_only_sockets")

# A global unicast address (example.com's old one). Never dialled: LabFetcher routes it to loopback.
PUBLIC_IP = "93.184.216.34"
ASSERTION = {"type": "Assertion", "id": "urn:uuid:1"}


class DialBlocked(Exception):
    """The fetcher tried to connect to an address the test network does not have."""


class LabFetcher(SafeFetcher):
    """A SafeFetcher wired to a loopback-only test network (see the module docstring)."""

    def __init__(self, *, routes: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.routes = dict(routes or {})
        self.dials: list[tuple[str, str, int]] = []

    def _open_pool(self, scheme, ip, port, host):
        self.dials.append((host, ip, port))
        if ip in self.routes:
            return super()._open_pool(scheme, self.routes[ip], port, host)
        if ipaddress.ip_address(ip).is_loopback:
            return super()._open_pool(scheme, ip, port, host)
        raise DialBlocked(f"{host} -> {ip}:{port}")


class FakeDNS:
    """``{"name": ["ip", ...]}``; a list of answers per name is handed out one call at a time."""

    def __init__(self, table: dict[str, list[str] | list[list[str]]] | None = None) -> None:
        self.table = dict(table or {})
        self.calls: list[str] = []

    def __call__(self, host: str) -> list[str]:
        self.calls.append(host)
        answers = self.table.get(host)
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if isinstance(answers[0], list):
            # Successive answers (DNS rebinding); the last one repeats.
            return answers.pop(0) if len(answers) > 1 else answers[0]
        return answers


@pytest.fixture
def dns() -> FakeDNS:
    return FakeDNS({"localhost": ["127.0.0.1", "::1"], "badges.example.com": [PUBLIC_IP]})


@pytest.fixture
def fetcher(dns) -> LabFetcher:
    """No private-address allowance at all, as in production."""
    return LabFetcher(resolver=dns, connect_timeout=1, total_timeout=3)


def assert_refused_without_connecting(fetcher: LabFetcher, url: str, *, kind: str = "json") -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetcher(url, kind=kind)
    assert caught.value.kind == "refused", caught.value.message
    assert fetcher.dials == []
    assert fetcher.requests_made == 0
    return caught.value


# -- the first URL --------------------------------------------------------------------------------

PRIVATE_TARGETS = [
    "http://127.0.0.1/",
    "http://127.0.0.1:8000/admin/",
    "http://127.8.9.10/",
    "http://localhost/",
    "http://LOCALHOST:80/",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://169.254.169.254/latest/meta-data",  # cloud metadata
    "http://0.0.0.0/",
    "http://224.0.0.1/",  # multicast: is_global is True for it in Python 3.11
    "http://255.255.255.255/",
    "https://192.0.2.1/",  # documentation range
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
    "http://[::ffff:a9fe:a9fe]/",  # mapped 169.254.169.254
    "http://[::127.0.0.1]/",  # IPv4-compatible (deprecated)
    "http://[2002:7f00:1::]/",  # 6to4 around 127.0.0.1
    "http://[64:ff9b::a00:1]/",  # NAT64 around 10.0.0.1
    "http://[fe80::1]/",
    "http://[fe80::1%25eth0]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "http://[fec0::1]/",  # deprecated site-local: Python's is_global says True
    "http://[feff:ffff::1]/",
]


@pytest.mark.parametrize("url", PRIVATE_TARGETS)
def test_private_and_reserved_addresses_are_refused(fetcher, url):
    error = assert_refused_without_connecting(fetcher, url)

    assert "private or reserved" in error.message


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f000001/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://0x7f.0.0.1/",
        "http://017700000001/",
        "http://127.0.0.1./",
        "http://3627729681/",
    ],
)
def test_numeric_host_spellings_are_refused(fetcher, dns, url):
    assert_refused_without_connecting(fetcher, url)
    # Refused as written: the name never even reached the resolver (which the OS would "resolve").
    assert dns.calls == []


@pytest.mark.parametrize(
    "url",
    [
        "ftp://badges.example.com/badge.json",
        "file:///etc/passwd",
        "gopher://badges.example.com/",
        "data:application/json,{}",
        "javascript:alert(1)",
        "//badges.example.com/badge.json",
        "badge.json",
    ],
)
def test_other_schemes_are_refused(fetcher, url):
    error = assert_refused_without_connecting(fetcher, url)

    assert "Only http and https" in error.message


@pytest.mark.parametrize(
    "url",
    [
        "http://user:pass@badges.example.com/",
        "http://user@badges.example.com/",
        "https://:secret@badges.example.com/",
        "http://badges.example.com@127.0.0.1/",
    ],
)
def test_credentials_in_the_url_are_refused(fetcher, url):
    error = assert_refused_without_connecting(fetcher, url)

    assert "pass" not in error.url and "secret" not in error.url


@pytest.mark.parametrize("url", ["http:///badge.json", "http://badges.example.com:99999/", "http://[::1/"])
def test_malformed_urls_are_refused(fetcher, url):
    assert_refused_without_connecting(fetcher, url)


def test_public_name_that_resolves_to_a_private_address_is_refused(fetcher, dns):
    dns.table["badges.example.com"] = ["10.0.0.7"]

    assert_refused_without_connecting(fetcher, "https://badges.example.com/assertion.json")

    assert dns.calls == ["badges.example.com"]


def test_one_private_answer_among_public_ones_is_enough_to_refuse(fetcher, dns):
    dns.table["badges.example.com"] = [PUBLIC_IP, "::ffff:192.168.0.1"]

    assert_refused_without_connecting(fetcher, "https://badges.example.com/assertion.json")


def test_unknown_name_is_a_network_error(fetcher):
    with pytest.raises(FetchError) as caught:
        fetcher("https://nowhere.example.com/assertion.json")

    assert caught.value.kind == "network"
    assert "nowhere.example.com" in caught.value.message
    assert fetcher.dials == []


# -- redirects: every hop is checked again ----------------------------------------------------------


@pytest.fixture
def allowed_issuer(issuer_server, dns) -> tuple[LabFetcher, object]:
    """The test issuer under the name issuer.test, which is the ONLY host allowed to be private."""
    dns.table["issuer.test"] = ["127.0.0.1"]
    dns.table["evil.test"] = ["127.0.0.1"]
    fetcher = LabFetcher(resolver=dns, allow_hosts={"issuer.test"}, connect_timeout=1, total_timeout=3)
    issuer_server.serve("/doc", ASSERTION)
    return fetcher, issuer_server


def test_redirect_within_the_allowed_host_is_followed(allowed_issuer):
    # The control for the next test: same setup, a redirect that is fine.
    fetcher, server = allowed_issuer
    server.redirect("/start", f"http://issuer.test:{server.port}/doc")

    fetched = fetcher(f"http://issuer.test:{server.port}/start")

    assert fetched.json() == ASSERTION
    assert server.hits == ["/start", "/doc"]
    assert server.last_request().headers["host"] == f"issuer.test:{server.port}"


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/doc",
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:{port}/doc",
        "http://localhost:{port}/doc",
        "http://evil.test:{port}/doc",
        "http://[::1]:{port}/doc",
        "http://2130706433:{port}/doc",
        "file:///etc/passwd",
        "http://user:pw@issuer.test:{port}/doc",
    ],
)
def test_redirect_to_a_private_address_is_refused(allowed_issuer, location):
    fetcher, server = allowed_issuer
    server.redirect("/start", location.format(port=server.port))

    with pytest.raises(FetchError) as caught:
        fetcher(f"http://issuer.test:{server.port}/start")

    assert caught.value.kind == "refused"
    assert server.hits == ["/start"]
    assert fetcher.dials == [("issuer.test", "127.0.0.1", server.port)]


def test_allowance_skips_only_the_address_check(issuer_server):
    fetcher = LabFetcher(allow_hosts=issuer_server.allow_hosts, resolver=FakeDNS())
    port = issuer_server.port

    for url in [f"ftp://127.0.0.1:{port}/doc", f"http://user:pw@127.0.0.1:{port}/doc", f"http://2130706433:{port}/doc"]:
        assert_refused_without_connecting(fetcher, url)
    assert issuer_server.hits == []


# -- DNS rebinding ------------------------------------------------------------------------------


def test_connection_goes_to_the_address_that_was_checked(issuer_server, dns):
    """Name resolves once per hop; we dial exactly that checked IP, never a second lookup's answer.

    rebind.test answers PUBLIC_IP first and 127.0.0.1 afterwards. A fetcher that looked the name
    up again to connect would reach 127.0.0.1 directly; ours dials PUBLIC_IP (which the lab network
    carries to the test issuer) and tells the server the real name.
    """
    dns.table["rebind.test"] = [[PUBLIC_IP], ["127.0.0.1"]]
    fetcher = LabFetcher(resolver=dns, routes={PUBLIC_IP: "127.0.0.1"}, connect_timeout=1, total_timeout=3)
    url = issuer_server.serve("/doc", ASSERTION).replace("127.0.0.1", "rebind.test")

    fetched = fetcher(url)

    assert fetched.json() == ASSERTION
    assert dns.calls == ["rebind.test"]
    assert fetcher.dials == [("rebind.test", PUBLIC_IP, issuer_server.port)]
    assert issuer_server.last_request().headers["host"] == f"rebind.test:{issuer_server.port}"


def test_rebinding_on_a_redirect_hop_is_caught(issuer_server, dns):
    dns.table["rebind.test"] = [[PUBLIC_IP], ["127.0.0.1"]]
    fetcher = LabFetcher(resolver=dns, routes={PUBLIC_IP: "127.0.0.1"}, connect_timeout=1, total_timeout=3)
    issuer_server.redirect("/start", "/doc")
    issuer_server.serve("/doc", ASSERTION)

    with pytest.raises(FetchError) as caught:
        fetcher(f"http://rebind.test:{issuer_server.port}/start")

    # The second hop looked the name up again, got loopback, and refused before connecting.
    assert caught.value.kind == "refused"
    assert dns.calls == ["rebind.test", "rebind.test"]
    assert fetcher.dials == [("rebind.test", PUBLIC_IP, issuer_server.port)]
    assert issuer_server.hits == ["/start"]


def test_lab_network_fails_closed(dns):
    # The harness itself: a public address with no route is never dialled for real.
    with pytest.raises(DialBlocked):
        LabFetcher(resolver=dns)("http://badges.example.com/doc")


# -- the address rules themselves --------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "public"),
    [
        (PUBLIC_IP, True),
        ("2606:4700::1111", True),
        ("::ffff:93.184.216.34", True),
        ("2002:5db8:d822::", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("100.100.0.1", False),
        ("169.254.1.1", False),
        ("224.0.0.251", False),
        ("240.0.0.1", False),
        ("192.0.2.10", False),
        ("198.18.0.1", False),
        ("::", False),
        ("::1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:a00:1::", False),
        ("64:ff9b::7f00:1", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),
        ("fd00::1", False),
        ("fe80::1", False),
        ("fec0::1", False),
        ("fefe:1::1", False),
        ("ff0e::1", False),
        ("2001:db8::1", False),
    ],
)
def test_is_public_address(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_default_resolver_returns_ip_strings_for_literals():
    # Numeric input: getaddrinfo answers without any DNS traffic.
    assert resolve_host("127.0.0.1") == ["127.0.0.1"]
