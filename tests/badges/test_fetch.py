"""badges.fetch.SafeFetcher against a real issuer server on 127.0.0.1."""

from __future__ import annotations

import time
import types
from datetime import UTC, datetime, timedelta

import pytest

from badges import fetch as fetch_module
from badges.fetch import CachedDocument, SafeFetcher, fetcher_from_settings
from badges.openbadges.errors import FetchError
from tests.support import issuer_server as issuer_server_module
from tests.support.document_cache import InMemoryDocumentCache

pytestmark = pytest.mark.usefixtures("loopback_only_sockets")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ASSERTION = {"type": "Assertion", "id": "urn:uuid:1"}


class Clock:
    """A clock tests move by hand instead of sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def make_fetcher(issuer_server):
    """Builds SafeFetchers allowed to talk to the test issuer, with short timeouts."""

    def make(**kwargs) -> SafeFetcher:
        kwargs.setdefault("allow_hosts", issuer_server.allow_hosts)
        kwargs.setdefault("connect_timeout", 1.0)
        kwargs.setdefault("total_timeout", 3.0)
        return SafeFetcher(**kwargs)

    return make


@pytest.fixture
def fetcher(make_fetcher) -> SafeFetcher:
    return make_fetcher()


# -- success ------------------------------------------------------------------------------------


def test_json_document_is_fetched(issuer_server, fetcher):
    url = issuer_server.serve("/assertion.json", ASSERTION, etag='"v1"')

    fetched = fetcher(url, kind="json")

    assert fetched.json() == ASSERTION
    assert fetched.url == url
    assert fetched.status == 200
    assert fetched.content_type == "application/json"
    assert fetched.headers["etag"] == '"v1"'
    assert issuer_server.hits == ["/assertion.json"]
    assert fetcher.requests_made == 1


def test_request_identifies_us_and_names_the_host(issuer_server, fetcher):
    url = issuer_server.serve("/assertion.json", ASSERTION)

    fetcher.fetch(url)

    headers = issuer_server.last_request("/assertion.json").headers
    assert headers["user-agent"] == "Manabi/1.0 (+Open Badges wallet)"
    assert headers["host"] == f"127.0.0.1:{issuer_server.port}"
    assert headers["accept-encoding"] == "identity"


def test_query_string_is_sent(issuer_server, fetcher):
    issuer_server.serve("/status", {"ok": True})

    fetcher(issuer_server.url("/status?list=1#fragment"))

    assert issuer_server.hits == ["/status?list=1"]


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/ld+json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/activity+json",
        "Application/JSON",
    ],
)
def test_json_content_types_accepted(issuer_server, fetcher, content_type):
    url = issuer_server.serve("/doc", ASSERTION, content_type=content_type)

    assert fetcher(url, kind="json").json() == ASSERTION


@pytest.mark.parametrize("content_type", ["image/png", "image/svg+xml", "image/jpeg", "image/gif", "image/webp"])
def test_image_content_types_accepted(issuer_server, fetcher, content_type):
    url = issuer_server.serve("/image", PNG, content_type=content_type)

    assert fetcher(url, kind="image").body == PNG


@pytest.mark.parametrize(("content_type", "body"), [("image/png", PNG), ("application/ld+json", b"{}")])
def test_any_kind_accepts_documents_and_images(issuer_server, fetcher, content_type, body):
    url = issuer_server.serve("/pasted", body, content_type=content_type)

    assert fetcher(url, kind="any").body == body


# -- failures -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "transient"), [(404, False), (410, False), (503, True), (429, True)])
def test_error_statuses_raise_with_status(issuer_server, fetcher, status, transient):
    url = issuer_server.serve("/assertion.json", {"error": "x"}, status=status)

    with pytest.raises(FetchError) as caught:
        fetcher(url)

    assert caught.value.kind == "http"
    assert caught.value.status == status
    assert caught.value.is_transient is transient
    assert str(status) in caught.value.message


def test_missing_route_is_404(issuer_server, fetcher):
    with pytest.raises(FetchError) as caught:
        fetcher(issuer_server.url("/nothing-here"))

    assert (caught.value.kind, caught.value.status) == ("http", 404)


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("json", "text/html"),
        ("json", "image/png"),
        ("json", ""),
        ("image", "application/json"),
        ("image", "text/html"),
        ("any", "application/octet-stream"),
    ],
)
def test_wrong_content_type_is_refused(issuer_server, fetcher, kind, content_type):
    url = issuer_server.serve("/doc", b"<html></html>", content_type=content_type)

    with pytest.raises(FetchError) as caught:
        fetcher(url, kind=kind)

    assert caught.value.kind == "content_type"
    assert url in caught.value.message


def test_body_at_the_cap_is_accepted(issuer_server, make_fetcher):
    url = issuer_server.serve("/big", b"x" * 1000, content_type="text/plain", content_length=False)

    assert len(make_fetcher(max_json_bytes=1000)(url).body) == 1000


def test_streamed_body_over_the_cap_is_refused_without_content_length(issuer_server, fetcher):
    # Default 1 MB JSON cap; the server sends 3 MB and no Content-Length, so only counting can stop it.
    url = issuer_server.serve("/big", b"x" * (3 * 1024 * 1024), content_type="text/plain", content_length=False)

    with pytest.raises(FetchError) as caught:
        fetcher(url, kind="json")

    assert caught.value.kind == "too_large"
    assert "1024 KB" in caught.value.message


def test_announced_content_length_over_the_cap_is_refused_early(issuer_server, fetcher):
    url = issuer_server.serve("/big", b"{}", content_length=50 * 1024 * 1024)

    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetcher(url, kind="json")

    assert caught.value.kind == "too_large"
    assert time.monotonic() - started < 1


def test_image_cap_is_larger_than_the_json_cap(issuer_server, fetcher):
    url = issuer_server.serve("/badge.png", PNG + b"\x00" * (2 * 1024 * 1024))

    assert len(fetcher(url, kind="image").body) > 2 * 1024 * 1024
    with pytest.raises(FetchError, match="larger than"):
        fetcher(issuer_server.serve("/badge2.png", PNG + b"\x00" * (2 * 1024 * 1024), content_type="text/plain"))


def test_slow_server_times_out(issuer_server, make_fetcher):
    url = issuer_server.serve("/slow", ASSERTION, delay=3)
    fetcher = make_fetcher(connect_timeout=0.5, total_timeout=0.5)

    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetcher(url)

    assert caught.value.kind == "network"
    assert caught.value.is_transient
    assert time.monotonic() - started < 1.5


def test_stopped_server_is_a_network_error_and_restart_works(issuer_server, fetcher):
    url = issuer_server.serve("/assertion.json", ASSERTION)
    issuer_server.stop()

    with pytest.raises(FetchError) as caught:
        fetcher(url)
    assert caught.value.kind == "network"
    assert caught.value.is_transient

    issuer_server.start()
    assert fetcher(url).json() == ASSERTION


# -- redirects ----------------------------------------------------------------------------------


def chain(server, length: int) -> str:
    """/r0 -> /r1 -> ... -> /r<length> (the document); returns the first URL."""
    for index in range(length):
        server.redirect(f"/r{index}", f"/r{index + 1}")
    server.serve(f"/r{length}", ASSERTION)
    return server.url("/r0")


def test_five_redirects_are_followed(issuer_server, fetcher):
    fetched = fetcher(chain(issuer_server, 5))

    assert fetched.url == issuer_server.url("/r5")
    assert fetched.json() == ASSERTION
    assert fetcher.requests_made == 6


def test_sixth_redirect_is_refused(issuer_server, fetcher):
    with pytest.raises(FetchError) as caught:
        fetcher(chain(issuer_server, 6))

    assert caught.value.kind == "refused"
    assert "/r6" not in issuer_server.hits


def test_redirect_loop_is_refused(issuer_server, fetcher):
    issuer_server.redirect("/a", "/b")
    issuer_server.redirect("/b", issuer_server.url("/a"))

    with pytest.raises(FetchError) as caught:
        fetcher(issuer_server.url("/a"))

    assert caught.value.kind == "refused"
    assert len(issuer_server.hits) == 6


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_relative_redirects_of_every_kind(issuer_server, fetcher, status):
    issuer_server.redirect("/old/assertion", "../new/assertion.json?v=2", status=status)
    issuer_server.serve("/new/assertion.json", ASSERTION)

    fetched = fetcher(issuer_server.url("/old/assertion"))

    assert fetched.url == issuer_server.url("/new/assertion.json?v=2")
    assert issuer_server.hits == ["/old/assertion", "/new/assertion.json?v=2"]


def test_redirect_to_another_scheme_is_refused(issuer_server, fetcher):
    issuer_server.redirect("/a", "file:///etc/passwd")

    with pytest.raises(FetchError) as caught:
        fetcher(issuer_server.url("/a"))

    assert caught.value.kind == "refused"


# -- cache --------------------------------------------------------------------------------------


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cached_fetcher(make_fetcher, clock) -> SafeFetcher:
    return make_fetcher(cache=InMemoryDocumentCache(), freshness=timedelta(minutes=10), now=clock)


def test_fresh_cached_document_needs_no_request(issuer_server, cached_fetcher, clock):
    url = issuer_server.serve("/assertion.json", ASSERTION, etag='"v1"')
    first = cached_fetcher(url)
    clock.advance(minutes=9)

    second = cached_fetcher(url)

    assert second.body == first.body
    assert second.url == url
    assert issuer_server.hit_count("/assertion.json") == 1
    assert cached_fetcher.requests_made == 1


def test_stale_document_is_revalidated_with_etag(issuer_server, cached_fetcher, clock):
    url = issuer_server.serve("/assertion.json", ASSERTION, etag='"v1"')
    cached_fetcher(url)
    clock.advance(minutes=11)

    again = cached_fetcher(url)

    assert again.json() == ASSERTION
    assert issuer_server.hit_count("/assertion.json") == 2
    assert issuer_server.last_request().headers["if-none-match"] == '"v1"'
    # The 304 made the copy fresh again: no request for the next ten minutes.
    assert cached_fetcher.cache.get(url).fetched_at == clock.now
    clock.advance(minutes=5)
    cached_fetcher(url)
    assert cached_fetcher.requests_made == 2


def test_stale_document_is_revalidated_with_last_modified(issuer_server, cached_fetcher, clock):
    stamp = "Wed, 01 Jan 2025 10:00:00 GMT"
    url = issuer_server.serve("/issuer.json", ASSERTION, last_modified=stamp)
    cached_fetcher(url)
    clock.advance(hours=1)

    cached_fetcher(url)

    assert issuer_server.last_request().headers["if-modified-since"] == stamp
    assert cached_fetcher.requests_made == 2


def test_stale_document_that_changed_is_replaced(issuer_server, cached_fetcher, clock):
    url = issuer_server.serve("/assertion.json", ASSERTION, etag='"v1"')
    cached_fetcher(url)
    issuer_server.serve("/assertion.json", {"changed": True}, etag='"v2"')
    clock.advance(hours=1)

    assert cached_fetcher(url).json() == {"changed": True}
    assert cached_fetcher.cache.get(url).etag == '"v2"'


def test_cache_keeps_the_final_url_after_redirects(issuer_server, cached_fetcher):
    issuer_server.redirect("/short", "/assertion.json")
    issuer_server.serve("/assertion.json", ASSERTION)

    cached_fetcher(issuer_server.url("/short"))
    cached = cached_fetcher(issuer_server.url("/short"))

    assert cached.url == issuer_server.url("/assertion.json")
    assert cached_fetcher.requests_made == 2


def test_errors_are_not_cached(issuer_server, cached_fetcher):
    url = issuer_server.serve("/assertion.json", {}, status=503)
    with pytest.raises(FetchError):
        cached_fetcher(url)
    issuer_server.serve("/assertion.json", ASSERTION)

    assert cached_fetcher(url).json() == ASSERTION


def test_cached_document_still_obeys_the_kind(clock):
    cache = InMemoryDocumentCache()
    cache.put(
        "https://issuer.example/a",
        CachedDocument(b"{}", "application/json", None, None, clock.now, "https://issuer.example/a"),
    )
    fetcher = SafeFetcher(cache=cache, now=clock, resolver=_no_dns)

    with pytest.raises(FetchError) as caught:
        fetcher("https://issuer.example/a", kind="image")

    assert caught.value.kind == "content_type"
    assert fetcher.requests_made == 0


def _no_dns(host: str) -> list[str]:
    raise AssertionError(f"no name resolution expected, got {host}")


# -- configuration ------------------------------------------------------------------------------


def test_fetcher_from_settings_reads_django_settings(monkeypatch):
    import django.conf

    fake = types.SimpleNamespace(
        BADGE_FETCH_ALLOW_HOSTS=["127.0.0.1"], BADGE_FETCH_TIMEOUT=3, BADGE_FETCH_USER_AGENT="Test/1"
    )
    monkeypatch.setattr(django.conf, "settings", fake)

    fetcher = fetcher_from_settings()

    assert fetcher.allow_hosts == frozenset({"127.0.0.1"})
    assert (fetcher.total_timeout, fetcher.connect_timeout) == (3.0, 3.0)
    assert fetcher.user_agent == "Test/1"


def test_unknown_kind_is_a_programming_error(fetcher):
    with pytest.raises(ValueError):
        fetcher("http://127.0.0.1/", kind="video")


def test_fetch_module_does_not_import_django_at_top():
    source = open(fetch_module.__file__).read().split("def fetcher_from_settings", 1)[0]
    assert "django" not in source.replace("Django", "")


def test_issuer_fixture_sets_and_restores_the_django_allowance(monkeypatch):
    fake = types.SimpleNamespace(BADGE_FETCH_ALLOW_HOSTS=[])
    monkeypatch.setattr(issuer_server_module, "_django_settings", lambda: fake)

    with issuer_server_module._django_allowance(["127.0.0.1"]):
        assert fake.BADGE_FETCH_ALLOW_HOSTS == ["127.0.0.1"]
    assert fake.BADGE_FETCH_ALLOW_HOSTS == []


# -- HTTPS: we dial the checked IP but verify the certificate against the real name ----------------


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A throwaway CA and a certificate for issuer.test signed by it (paths to PEM files)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(common_name: str):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("Manabi test CA"))
        .issuer_name(name("Manabi test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("issuer.test"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("issuer.test")]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.pem").write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "ca.pem", folder / "leaf.pem"


@pytest.fixture
def tls_issuer(tls_files):
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files[1])
    server = issuer_server_module.IssuerServer(ssl_context=context).start()
    server.serve("/doc", ASSERTION)
    yield server
    server.stop()


def tls_fetcher(tls_files, host: str) -> SafeFetcher:
    return SafeFetcher(
        allow_hosts={host}, resolver=lambda name: ["127.0.0.1"], ca_certs=str(tls_files[0]), total_timeout=3
    )


def test_https_certificate_is_checked_against_the_host_name(tls_issuer, tls_files):
    fetched = tls_fetcher(tls_files, "issuer.test")(f"https://issuer.test:{tls_issuer.port}/doc")

    assert fetched.json() == ASSERTION
    assert tls_issuer.last_request().headers["host"] == f"issuer.test:{tls_issuer.port}"


def test_https_certificate_for_another_name_is_a_network_error(tls_issuer, tls_files):
    # Same server, same IP; only the name in the URL differs from the certificate's.
    with pytest.raises(FetchError) as caught:
        tls_fetcher(tls_files, "other.test")(f"https://other.test:{tls_issuer.port}/doc")

    assert caught.value.kind == "network"
    assert "could not be verified" in caught.value.message
    assert tls_issuer.hits == []


def test_https_certificate_from_an_unknown_authority_is_a_network_error(tls_issuer):
    fetcher = SafeFetcher(allow_hosts={"issuer.test"}, resolver=lambda name: ["127.0.0.1"], total_timeout=3)

    with pytest.raises(FetchError) as caught:
        fetcher(f"https://issuer.test:{tls_issuer.port}/doc")

    assert caught.value.kind == "network"
    assert tls_issuer.hits == []


def test_issuer_fixture_allows_the_test_server_in_django_settings(issuer_server):
    if issuer_server_module._django_settings() is None:
        pytest.skip("Django settings are not configured in this run")

    fetcher = fetcher_from_settings()

    assert fetcher.allow_hosts == frozenset({"127.0.0.1"})
    assert fetcher(issuer_server.serve("/doc", ASSERTION)).json() == ASSERTION


# --- one deadline for the whole exchange ---------------------------------------------------------


def test_an_issuer_dripping_its_headers_is_cut_off_at_the_fetch_deadline():
    from tests.support.hostile_servers import DripServer

    with DripServer(interval=0.1) as drip:
        fetcher = SafeFetcher(allow_hosts={"127.0.0.1"}, connect_timeout=1, total_timeout=1.5)
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            fetcher(drip.url("/assertion.json"))
        elapsed = time.monotonic() - started
    # Before: each dripped byte restarted urllib3's read timeout, so this never ended by itself.
    assert elapsed < 3
    assert caught.value.kind == "network"
    assert "took too long" in caught.value.message


def test_an_import_deadline_limits_every_fetch_after_it(make_fetcher, issuer_server):
    issuer_server.serve("/slow.json", ASSERTION, delay=2.0)
    fetcher = make_fetcher(total_timeout=10.0)
    fetcher.deadline = time.monotonic() + 0.8
    started = time.monotonic()
    with pytest.raises(FetchError, match="took too long"):
        fetcher(issuer_server.url("/slow.json"))
    assert time.monotonic() - started < 1.8
