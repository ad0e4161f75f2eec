"""The shared document cache holds shared issuer documents of verdicts, and nothing an attacker can grow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from badges.fetchers import purge_document_cache
from badges.models import Badge, CachedDocument, Status
from badges.services import ImportRefused, import_badge
from tests.support.hosted import HostedBadge, plain_png

pytestmark = pytest.mark.django_db


def cached_urls() -> set[str]:
    return set(CachedDocument.objects.values_list("url", flat=True))


def test_a_valid_import_keeps_only_the_shared_documents(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    import_badge(owner=user, url=hosted.assertion_url)

    assert cached_urls() == {hosted.badge_class_url, hosted.issuer_url}  # no assertion, no image


def test_refused_imports_of_a_big_image_add_nothing_to_the_database(user, issuer_server):
    big = plain_png(size=1500) + b"\x00" * (4_900_000 - len(plain_png(size=1500)))
    url = issuer_server.serve("/big.png", big, content_type="image/png")

    for attempt in range(10):
        with pytest.raises(ImportRefused):
            import_badge(owner=user, url=f"{url}?n={attempt}")

    # Before: 49 MB in the shared cache, keyed by every query string.
    assert CachedDocument.objects.count() == 0


def test_a_refused_import_leaves_no_documents_behind(user, issuer_server):
    hosted = HostedBadge(issuer_server, recipient="someone-else@example.org").publish()
    with pytest.raises(ImportRefused):
        import_badge(owner=user, url=hosted.assertion_url)
    assert CachedDocument.objects.count() == 0


def test_a_revoked_badge_removed_and_imported_again_is_asked_for_afresh(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    badge.delete()
    hosted.revoke()
    hits = issuer_server.hit_count("/assertions/1")

    try:
        again = import_badge(owner=user, url=hosted.assertion_url)
    except ImportRefused as refused:
        assert refused.code == "revoked"
    else:
        assert again.status == Status.REVOKED
    # Before: re-imported as "verified" from the cache within its freshness, without asking.
    assert issuer_server.hit_count("/assertions/1") == hits + 1
    assert not Badge.objects.filter(status=Status.VALID).exists()


def test_a_baked_badge_import_asks_for_its_hosted_assertion_even_when_a_copy_is_cached(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    CachedDocument.objects.create(
        url=hosted.assertion_url, body=b'{"stale": true}', content_type="application/json", fetched_at=timezone.now()
    )
    hits = issuer_server.hit_count("/assertions/1")
    from django.core.files.uploadedfile import SimpleUploadedFile

    import_badge(owner=user, upload=SimpleUploadedFile("b.png", hosted.baked_png(), content_type="image/png"))
    assert issuer_server.hit_count("/assertions/1") == hits + 1


def test_the_purge_drops_old_documents_and_keeps_the_table_under_its_cap(db, settings):
    now = timezone.now()
    settings.BADGE_DOCUMENT_CACHE_MAX_AGE_DAYS = 7
    settings.BADGE_DOCUMENT_CACHE_MAX_MB = 1
    CachedDocument.objects.create(url="https://a.example/old", body=b"x", fetched_at=now - timedelta(days=8))
    for n in range(3):
        CachedDocument.objects.create(
            url=f"https://a.example/{n}", body=b"y" * 400_000, fetched_at=now - timedelta(hours=n)
        )

    assert purge_document_cache(now=now) == {"aged": 1, "capped": 1}
    assert cached_urls() == {"https://a.example/0", "https://a.example/1"}
    assert purge_document_cache(now=now) == {"aged": 0, "capped": 0}
