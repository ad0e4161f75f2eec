"""Baked OB 1.0 / 2.0 images go through ``verification.verify`` to the OB 2.0 verifier and get their verdicts."""

from __future__ import annotations

from pathlib import Path

from badges.openbadges.model import Identity, SourceKind
from badges.openbadges.result import Status
from badges.openbadges.verification import verify

from .test_ob2_corpus import BETH, HOSTED_ID, NOW, corpus_fetch, fixture_text

BAKED = Path(__file__).resolve().parent.parent / "fixtures" / "ob2" / "baked"


def test_dcpv_simple_badge_png_is_valid_against_the_hosted_copy() -> None:
    fetch = corpus_fetch(**{HOSTED_ID: fixture_text("ob20/basic-assertion.json")})

    result = verify((BAKED / "simple-badge.png").read_bytes(), fetch=fetch, now=NOW, identities=(BETH,))

    assert result.status is Status.VALID
    assert result.source_kind is SourceKind.PNG
    assert HOSTED_ID in result.documents


def test_badgr_baked_1_0_png_is_valid_when_the_a_com_trio_is_served() -> None:
    result = verify(
        (BAKED / "baked_image.png").read_bytes(),
        fetch=corpus_fetch(),
        now=NOW,
        identities=(Identity("email", "test@example.com"),),
    )

    assert result.status is Status.VALID
    assert result.badge is not None and result.badge.name == "Basic Badge"


def test_legacy_url_baked_png_whose_assertion_404s_is_unreachable_not_revoked() -> None:
    fetch = corpus_fetch(**{"https://example.org/404": 404})

    result = verify((BAKED / "404.png").read_bytes(), fetch=fetch, now=NOW)

    assert result.status is Status.UNREACHABLE
