"""The corpus' expectations again, with every document it needs served over real HTTP on 127.0.0.1.

The corpus documents name internet URLs (``https://example.org/...``, status lists on GitHub,
did:web documents). They are served unchanged by an ``IssuerServer``; ``RewritingFetch`` sends each
of those URLs to its local copy through the real ``SafeFetcher(allow_hosts={"127.0.0.1"})`` and
hands the answer back under the original URL, so signatures, ids and origin rules are untouched.
Expectations are imported from the core's corpus tests, so the two layers cannot drift apart.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from badges.fetch import SafeFetcher
from badges.openbadges.baking import extract
from badges.openbadges.model import Identity, SourceKind
from badges.openbadges.result import CheckResult, Status
from badges.openbadges.verification import verify
from tests.openbadges import test_ob2_corpus as ob2_corpus
from tests.openbadges import test_ob3_corpus as ob3_corpus
from tests.openbadges import test_ob3_support as ob3_support
from tests.support.issuer_server import IssuerServer
from tests.support.signed import RewritingFetch

pytestmark = pytest.mark.usefixtures("loopback_only_sockets")

NOW = ob2_corpus.NOW
BETH = Identity("email", "nobody@example.org")


def no_dns(host: str) -> list[str]:
    raise OSError(f"no real DNS in tests ({host})")


def serve_documents(server: IssuerServer, documents: dict[str, object]) -> RewritingFetch:
    """Serve each URL's body at ``/corpus/<n>``; a fetch of the URL goes there over HTTP."""
    mapping: dict[str, str] = {}
    for number, (url, body) in enumerate(sorted(documents.items())):
        if isinstance(body, int):
            mapping[url] = server.serve(f"/corpus/{number}", b"", status=body, content_type="text/plain")
            continue
        mapping[url] = server.serve(f"/corpus/{number}", body, content_type="application/json")
    fetcher = SafeFetcher(allow_hosts={"127.0.0.1"}, connect_timeout=2, total_timeout=5, resolver=no_dns)
    return RewritingFetch(fetcher, mapping)


# ---------------------------------------------------------------------------------------------
# OB 2.0 (1EdTech DCPV + validator-core)


HOSTED_CASES = [
    ("ob20/basic-assertion.json", Status.VALID),
    ("ob20/basic-assertion-with-language.json", Status.VALID),
    ("ob20/warning-with-redirection.json", Status.VALID),
    ("ob20/basic-assertion-expired.json", Status.EXPIRED),
    ("ob20/basic-assertion-in-future.json", Status.NOT_YET_VALID),
    ("ob20/basic-assertion-expired-before-issued.json", Status.INVALID),
    ("ob20/basic-assertion-invalid-type.json", Status.INVALID),
]


@pytest.mark.parametrize(("name", "expected"), HOSTED_CASES)
def test_dcpv_hosted_assertion_over_http(issuer_server, name, expected):
    text = ob2_corpus.fixture_text(name)
    documents = ob2_corpus.corpus_documents() | {json.loads(text)["id"]: text}
    fetch = serve_documents(issuer_server, documents)

    result = verify(text, fetch=fetch, now=NOW, identities=(BETH,))

    assert result.status is expected, [c.as_dict() for c in result.checks]
    assert issuer_server.hits, "the documents really came over HTTP"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ob20/simple.jwt", Status.VALID),
        ("ob20/simple-not-revoked.jwt", Status.VALID),
        ("ob20/simple-revoked.jwt", Status.REVOKED),
    ],
)
def test_dcpv_signed_assertion_over_http(issuer_server, name, expected):
    fetch = serve_documents(issuer_server, ob2_corpus.corpus_documents())

    result = verify(ob2_corpus.fixture_text(name).strip(), fetch=fetch, now=NOW, identities=(BETH,))

    assert result.status is expected, [c.as_dict() for c in result.checks]
    assert result.check("signature").result is CheckResult.PASS


def test_dcpv_baked_png_over_http(issuer_server):
    png = (ob2_corpus.FIXTURES / "baked" / "simple-badge.png").read_bytes()
    baked = extract(png).payload  # the issuer hosts the same assertion at its id
    fetch = serve_documents(issuer_server, ob2_corpus.corpus_documents() | {json.loads(baked)["id"]: baked})

    result = verify(png, fetch=fetch, now=NOW)

    assert result.status in (Status.VALID, Status.EXPIRED), [c.as_dict() for c in result.checks]
    assert result.source_kind is SourceKind.PNG
    assert result.check("hosted").result is CheckResult.PASS


@pytest.mark.parametrize("url", ["http://a.com/instance", "http://a.com/instance3"])
def test_validator_core_1_0_pasted_url_over_http(issuer_server, url):
    fetch = serve_documents(issuer_server, ob2_corpus.corpus_documents())

    assert verify(url, fetch=fetch, now=NOW).status is Status.VALID


def test_corpus_issuer_stopped_is_unreachable_not_revoked(issuer_server):
    fetch = serve_documents(issuer_server, ob2_corpus.corpus_documents())
    token = ob2_corpus.fixture_text("ob20/simple-revoked.jwt").strip()
    assert verify(token, fetch=fetch, now=NOW).status is Status.REVOKED

    issuer_server.stop()
    result = verify(token, fetch=fetch, now=NOW)

    assert result.status is Status.UNREACHABLE, [c.as_dict() for c in result.checks]


# ---------------------------------------------------------------------------------------------
# OB 3.0 (DCC fixtures with status lists / did:web, 1EdTech bit-string-list samples)


def _needs_network(relative: str) -> bool:
    text = ob3_support.read_fixture(relative)
    return "statusListCredential" in text or "did:web" in text or "https://" in text.split('"proof"')[-1]


OB3_FILES = [relative for relative in ob3_corpus.DCC_FILES if _needs_network(relative)] + [
    "1edtech-dc-public-validator/ob30/simple.json",
    "1edtech-dc-public-validator/ob30/bit-string-list/credential-status-revoked.json",
    "1edtech-dc-public-validator/ob30/bit-string-list/credential-status-revoked-blank-nodes.json",
]


def expected_ob3(relative: str) -> Status:
    name = Path(relative).name
    if relative.startswith("1edtech"):
        return ob3_corpus.ONE_EDTECH[relative.removeprefix("1edtech-dc-public-validator/ob30/")]
    return ob3_corpus.expected_dcc(name)


@pytest.mark.parametrize("relative", OB3_FILES)
def test_ob3_corpus_verdict_over_http(issuer_server, relative):
    text = ob3_support.read_fixture(relative)
    documents = ob3_support.corpus_documents() | ob3_support.controller_documents(json.loads(text))
    fetch = serve_documents(issuer_server, documents)

    result = verify(text, fetch=fetch, now=NOW)

    assert result.status is expected_ob3(relative), [c.as_dict() for c in result.checks]


def test_ob3_status_list_host_down_is_unreachable_never_revoked(issuer_server):
    relative = "1edtech-dc-public-validator/ob30/bit-string-list/credential-status-revoked.json"
    text = ob3_support.read_fixture(relative)
    documents = ob3_support.corpus_documents() | ob3_support.controller_documents(json.loads(text))
    fetch = serve_documents(issuer_server, documents)
    assert verify(text, fetch=fetch, now=NOW).status is Status.REVOKED

    issuer_server.stop()
    result = verify(text, fetch=fetch, now=NOW)

    assert result.status is Status.UNREACHABLE
    assert result.check("revocation").result is CheckResult.ERROR


def test_ob3_corpus_selection_is_not_empty():
    assert len(OB3_FILES) >= 8
