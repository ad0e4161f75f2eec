"""Keys over the web and the newer proof suites, end to end: a real issuer on 127.0.0.1, the real
SafeFetcher, and ``manage.py verify_badge --json`` in a fresh process.

Each key form and suite: valid, tampered (invalid), key not published by the issuer (invalid),
issuer unreachable (unreachable). The issuer is ``http://127.0.0.1:<port>/issuer``: plain http is
accepted for keys only because the fetch allow-list names the host.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from badges.fetch import SafeFetcher
from badges.openbadges.result import Status
from badges.openbadges.verification import verify
from tests.badges.test_verify_badge_command import cli, write  # noqa: F401 (the cli fixture)
from tests.support.web_keys import WebKeyIssuer

pytestmark = pytest.mark.usefixtures("loopback_only_sockets")

NOW = datetime(2026, 6, 1, tzinfo=UTC)

FORMS = [
    ("ecdsa-rdfc-2019", None, "multikey"),
    ("ecdsa-rdfc-2019", ec.SECP384R1(), "jwk"),
    ("ecdsa-jcs-2019", None, "jwk"),
    ("ecdsa-jcs-2019", ec.SECP384R1(), "multikey"),
    ("eddsa-jcs-2022", None, "multikey"),
    ("eddsa-rdfc-2022", None, "jwk"),
    ("ecdsa-sd-2023", None, "multikey"),
    ("ecdsa-sd-2023/derived", None, "multikey"),
    ("vc-jwt-es256", None, "jwk-set"),
    ("vc-jwt-eddsa", None, "jwk-set"),
]
IDS = [f"{suite}-{curve.name if curve else 'default'}-{form}" for suite, curve, form in FORMS]


def no_dns(host: str) -> list[str]:
    raise OSError(f"tests resolve no names through real DNS ({host})")


@pytest.fixture
def fetcher(issuer_server) -> SafeFetcher:
    return SafeFetcher(
        allow_hosts=tuple(issuer_server.allow_hosts), connect_timeout=2.0, total_timeout=5.0, resolver=no_dns
    )


def issuer_for(server, suite, curve, form) -> WebKeyIssuer:
    return WebKeyIssuer(server, suite=suite, curve=curve, key_form="jwk" if form == "jwk" else "multikey")


@pytest.mark.parametrize(("suite", "curve", "form"), FORMS, ids=IDS)
def test_over_a_real_issuer(issuer_server, fetcher, suite, curve, form):
    issuer = issuer_for(issuer_server, suite, curve, form).publish()
    assert verify(issuer.sign(), fetch=fetcher, now=NOW).status is Status.VALID
    assert verify(issuer.tampered(), fetch=fetcher, now=NOW).status is Status.INVALID

    issuer.publish(listed=False)
    assert verify(issuer.sign(), fetch=fetcher, now=NOW).status is Status.INVALID

    issuer_server.stop()
    assert verify(issuer.sign(), fetch=fetcher, now=NOW).status is Status.UNREACHABLE


@pytest.mark.parametrize(("suite", "curve", "form"), FORMS, ids=IDS)
def test_through_verify_badge_json(issuer_server, cli, tmp_path, suite, curve, form):  # noqa: F811
    issuer = issuer_for(issuer_server, suite, curve, form).publish()
    valid = write(tmp_path, "valid.txt", issuer.sign())
    tampered = write(tmp_path, "tampered.txt", issuer.tampered())

    run = cli(valid, "--json")
    assert run.code == 0, run.stderr + run.stdout
    assert run.json()["status"] == "valid"
    assert cli(tampered, "--json").json()["status"] == "invalid"

    issuer.publish(listed=False)
    assert cli(valid, "--json").json()["status"] == "invalid"

    issuer_server.stop()
    report = cli(valid, "--json").json()
    assert report["status"] == "unreachable"
    assert any(check["result"] == "error" for check in report["checks"])
