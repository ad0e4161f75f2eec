"""Politeness to issuers: shared documents are fetched once per freshness window, per-host limits hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache

from badges.hosts import HostBusy, HostLimiter
from badges.models import Badge, Status
from badges.tasks import reverify_badge_task
from tests.support.hosted import HostedBadge

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def publish_many(issuer_server, owner, count: int) -> list[Badge]:
    """``count`` hosted assertions of ONE badge class, and the matching wallet rows (all due)."""
    first = HostedBadge(issuer_server, slug="0").publish()
    for n in range(1, count):
        hosted = HostedBadge(issuer_server, slug=str(n))
        issuer_server.serve(f"/assertions/{n}", hosted.assertion())
    return Badge.objects.bulk_create(
        Badge(
            owner=owner,
            fingerprint=f"fp-{n}",
            source_kind="url",
            status=Status.VALID,
            last_definitive_status=Status.VALID,
            next_check_at=NOW - timedelta(minutes=1),
            source_url=first.server.url(f"/assertions/{n}"),
            badge_id=first.server.url(f"/assertions/{n}"),
        )
        for n in range(count)
    )


def test_a_thousand_badges_of_one_class_fetch_the_class_once_per_freshness_window(user, issuer_server, settings):
    settings.BADGE_HOST_REQUESTS_PER_SECOND = 100_000
    settings.BADGE_DOCUMENT_FRESHNESS_MINUTES = 60
    badges = publish_many(issuer_server, user, 1000)

    with time_machine.travel(NOW, tick=False):
        for badge in badges:
            assert reverify_badge_task.run(badge.pk) == "valid"
    assert issuer_server.hit_count("/badges/data-science") == 1
    assert issuer_server.hit_count("/issuer") == 1
    assert sum(issuer_server.hit_count(f"/assertions/{n}") for n in range(1000)) == 1000

    # Still inside the window: no new fetch of the class. After it: exactly one more.
    with time_machine.travel(NOW + timedelta(minutes=59), tick=False):
        for badge in badges[:10]:
            reverify_badge_task.run(badge.pk)
    assert issuer_server.hit_count("/badges/data-science") == 1
    with time_machine.travel(NOW + timedelta(minutes=61), tick=False):
        for badge in badges[:10]:
            reverify_badge_task.run(badge.pk)
    assert issuer_server.hit_count("/badges/data-science") == 2


def test_a_stale_document_is_revalidated_with_its_etag(user, issuer_server, settings):
    settings.BADGE_HOST_REQUESTS_PER_SECOND = 100_000
    [badge] = publish_many(issuer_server, user, 1)
    route = issuer_server.routes["/badges/data-science"]
    issuer_server.serve("/badges/data-science", route.body, etag='"v1"')
    with time_machine.travel(NOW, tick=False):
        reverify_badge_task.run(badge.pk)
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        assert reverify_badge_task.run(badge.pk) == "valid"
    assert issuer_server.last_request("/badges/data-science").headers.get("if-none-match") == '"v1"'


def test_a_host_at_its_concurrency_limit_postpones_the_check_without_a_failure(
    user, issuer_server, settings, monkeypatch
):
    settings.BADGE_HOST_MAX_CONCURRENT = 1
    [badge] = publish_many(issuer_server, user, 1)
    requeued = []
    monkeypatch.setattr(reverify_badge_task, "apply_async", lambda args, **kw: requeued.append((args, kw)))
    slot = HostLimiter().acquire("127.0.0.1")  # a slow request of another worker holds the only slot

    assert reverify_badge_task.run(badge.pk) == "postponed"

    badge.refresh_from_db()
    assert badge.status == Status.VALID and badge.consecutive_failures == 0
    assert issuer_server.hits == []
    [(args, kw)] = requeued
    assert args[0] == badge.pk and kw["countdown"] > 0
    # The postponed task holds the new claim; once the slot is free it runs.
    HostLimiter().release(slot)
    assert reverify_badge_task.run(*args) == "valid"


def test_a_busy_host_does_not_hold_up_badges_of_other_hosts(user, issuer_server, settings, monkeypatch):
    settings.BADGE_HOST_MAX_CONCURRENT = 1
    [badge] = publish_many(issuer_server, user, 1)
    monkeypatch.setattr(reverify_badge_task, "apply_async", lambda *a, **kw: None)
    HostLimiter().acquire("slow.example")
    assert reverify_badge_task.run(badge.pk) == "valid"


def test_the_rate_limit_allows_n_requests_per_second_per_host(settings):
    settings.BADGE_HOST_REQUESTS_PER_SECOND = 3
    limiter = HostLimiter(max_concurrent=100, max_wait=0)
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            limiter.release(limiter.acquire("busy.example"))
        with pytest.raises(HostBusy):
            limiter.acquire("busy.example")
        limiter.release(limiter.acquire("other.example"))
    with time_machine.travel(NOW + timedelta(seconds=1), tick=False):
        limiter.release(limiter.acquire("busy.example"))
