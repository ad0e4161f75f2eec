"""Re-verification in batches: a fixed number of SQL statements per batch, about one issuer request
per hosted badge, the same truth rules and notices as one-by-one checks, and no batch ever lost to
one bad badge."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from badges import batch
from badges.batch import BatchFetch, reverify_batch, run_batched_due_pass
from badges.hosts import HostLimiter
from badges.models import Badge, Notification, Status, Verification
from badges.services import claim_due_badges, import_badge
from tests.support.hosted import HostedBadge
from wallet.models import Portfolio
from wallet.services import add_badge_to_portfolio, create_portfolio

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_process_memo(settings):
    from django.core.cache import cache

    cache.clear()
    settings.BADGE_HOST_REQUESTS_PER_SECOND = 10_000
    settings.BADGE_HOST_MAX_CONCURRENT = 100
    batch.SHARED_DOCUMENTS.clear()
    yield
    batch.SHARED_DOCUMENTS.clear()


def hosted_badges(user, issuer_server, count: int) -> list[tuple[Badge, HostedBadge]]:
    pairs = []
    for n in range(count):
        hosted = HostedBadge(issuer_server, slug=str(n)).publish()
        # The issuer sends an ETag, as most do: re-checks can be conditional.
        issuer_server.serve(f"/assertions/{n}", hosted.assertion(), etag=f'"a{n}"')
        pairs.append((import_badge(owner=user, url=hosted.assertion_url), hosted))
    return pairs


def make_due(badges) -> None:
    Badge.objects.filter(pk__in=[b.pk for b in badges]).update(next_check_at=timezone.now() - timedelta(minutes=1))


def test_a_revocation_in_a_batch_is_definitive_recorded_and_notified(user, issuer_server):
    pairs = hosted_badges(user, issuer_server, 3)
    pairs[1][1].revoke()

    counts = reverify_batch([b.pk for b, _ in pairs])

    assert counts == {"checked": 3, "stale": 0, "failed": 0, "postponed": 0}
    statuses = [Badge.objects.get(pk=b.pk).status for b, _ in pairs]
    assert statuses == [Status.VALID, Status.REVOKED, Status.VALID]
    assert list(Notification.objects.values_list("kind", flat=True)) == ["revoked"]
    # History only where the verdict changed (scheduled checks), as one-by-one checks do.
    assert Verification.objects.filter(trigger="schedule").count() == 1


def test_an_unreachable_issuer_never_makes_a_batch_badge_revoked(user, issuer_server):
    pairs = hosted_badges(user, issuer_server, 2)
    issuer_server.serve("/assertions/0", {"error": "down"}, status=503)

    reverify_batch([b.pk for b, _ in pairs])

    down = Badge.objects.get(pk=pairs[0][0].pk)
    assert down.status == Status.UNREACHABLE and down.status_now == Status.VALID
    assert not Notification.objects.exists()


def test_sql_statements_per_batch_do_not_grow_with_the_batch(user, issuer_server):
    pairs = hosted_badges(user, issuer_server, 30)
    ids = [b.pk for b, _ in pairs]
    reverify_batch(ids[:5])  # fills the per-process memo of shared documents
    pairs[7][1].revoke()  # a change, so the batch writes history and a notice too

    with CaptureQueriesContext(connection) as captured:
        reverify_batch(ids)

    # Load, identities, lock + re-read, one bulk UPDATE, one INSERT of history, one of notices
    # (plus the savepoint pair that the test's own transaction turns the batch's transaction into).
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 6, statements
    assert len(statements) / len(ids) <= 1.5 / 5  # far below the goal of 1.5 per badge


def test_a_batch_looks_each_issuer_up_in_the_registry_once(user, issuer_server):
    from badges.models import KnownIssuer

    pairs = hosted_badges(user, issuer_server, 12)
    ids = [b.pk for b, _ in pairs]
    KnownIssuer.objects.create(identity="127.0.0.1", official_name="Loopback University")
    Badge.objects.filter(pk__in=ids).update(verified_issuer="", registered_issuer_name="")  # as never checked

    with CaptureQueriesContext(connection) as captured:
        reverify_batch(ids)

    lookups = [q["sql"] for q in captured.captured_queries if "knownissuer" in q["sql"].lower()]
    assert len(lookups) == 1
    assert set(Badge.objects.filter(pk__in=ids).values_list("registered_issuer_name", flat=True)) == {
        "Loopback University"
    }


def test_a_batch_leaves_a_badge_exactly_as_a_single_re_check_would(user, issuer_server):
    """Two badges imported while their issuer was down, then the issuer answers: one is re-checked
    alone (services.reverify_badge), the other in a batch. Every field a viewer or the learner sees
    ends the same."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from badges.models import KnownIssuer
    from badges.services import reverify_badge

    KnownIssuer.objects.create(identity="127.0.0.1", official_name="Loopback University")
    pair = []
    for slug in ("alone", "batched"):
        hosted = HostedBadge(issuer_server, slug=slug, recipient=user.email, hashed=False)
        issuer_server.serve(f"/assertions/{slug}", {}, status=503)
        png = SimpleUploadedFile(f"{slug}.png", hosted.baked_png(), content_type="image/png")
        badge = import_badge(owner=user, upload=png)
        assert badge.status == Status.PENDING
        hosted.publish()
        pair.append(badge)

    reverify_badge(badge=pair[0])
    reverify_batch([pair[1].pk])

    alone, batched = (Badge.objects.get(pk=b.pk) for b in pair)
    compared = [
        f.attname
        for f in Badge._meta.concrete_fields
        if f.attname
        not in {
            "id",
            "public_id",
            "fingerprint",
            "badge_id",
            "source_url",
            "raw_payload",
            "hosted_copy",
            "original_file",
            "original_sha256",
            "original_filename",
            "thumbnail",
            "imported_at",
            "created_at",
            "updated_at",
            "last_checked_at",
            "last_definitive_at",
            "next_check_at",
            "checks",
            "last_definitive_checks",
        }
    ]
    differing = {
        name: (getattr(alone, name), getattr(batched, name))
        for name in compared
        if getattr(alone, name) != getattr(batched, name)
    }
    assert not differing
    assert alone.status == Status.VALID and alone.registered_issuer_name == "Loopback University"
    assert alone.recipient_identity == batched.recipient_identity == user.email
    assert [c["name"] for c in alone.checks] == [c["name"] for c in batched.checks]


def test_a_re_check_costs_one_conditional_request_per_hosted_badge(user, issuer_server):
    pairs = hosted_badges(user, issuer_server, 20)
    ids = [b.pk for b, _ in pairs]
    reverify_batch(ids)  # the first batch check keeps each assertion's copy and validators
    issuer_server.reset()

    fetch = BatchFetch()
    reverify_batch(ids, fetcher=fetch)
    fetch.close()

    assert fetch.requests_made / len(ids) <= 1.05
    assert all(issuer_server.hit_count(f"/assertions/{n}") == 1 for n in range(20))
    assert issuer_server.last_request("/assertions/3").headers.get("if-none-match") == '"a3"'
    badge = Badge.objects.get(pk=ids[3])
    assert json.loads(badge.hosted_copy)["id"] == pairs[3][1].assertion_url and badge.hosted_etag == '"a3"'


def test_a_badge_that_breaks_does_not_fail_the_batch(user, issuer_server, monkeypatch):
    pairs = hosted_badges(user, issuer_server, 3)
    broken = pairs[1][0]
    real = batch.services._stored_source

    def stored_source(badge):
        if badge.pk == broken.pk:
            raise RuntimeError("storage hiccup")
        return real(badge)

    monkeypatch.setattr(batch.services, "_stored_source", stored_source)

    counts = reverify_batch([b.pk for b, _ in pairs])

    assert counts["checked"] == 2 and counts["failed"] == 1
    # Never frozen: recorded as "could not re-check" (with back-off), the last verdict still shown.
    broken = Badge.objects.get(pk=broken.pk)
    assert broken.status == Status.UNREACHABLE and broken.status_now == Status.VALID
    assert [Badge.objects.get(pk=b.pk).status for b, _ in (pairs[0], pairs[2])] == [Status.VALID, Status.VALID]


def test_a_stale_lease_checks_nothing(user, issuer_server):
    pairs = hosted_badges(user, issuer_server, 2)
    make_due(b for b, _ in pairs)
    [(pk, lease), _other] = claim_due_badges()
    Badge.objects.filter(pk=pk).update(next_check_at=timezone.now() + timedelta(days=1))  # checked meanwhile

    counts = reverify_batch([pk], lease=lease)

    assert counts["stale"] == 1 and counts["checked"] == 0


def test_the_due_pass_queues_one_task_per_batch_grouped_by_issuer_host(
    user, issuer_server, settings, django_capture_on_commit_callbacks
):
    settings.BADGE_REVERIFY_TASK_BATCH = 2
    pairs = hosted_badges(user, issuer_server, 5)
    make_due(b for b, _ in pairs)
    sent = []

    with django_capture_on_commit_callbacks(execute=True):
        counts = run_batched_due_pass(enqueue_batch=lambda ids, lease: sent.append((ids, lease)))

    assert counts == {"expired": 0, "enqueued": 5, "tasks": 3}
    assert sorted(pk for ids, _ in sent for pk in ids) == sorted(b.pk for b, _ in pairs)
    assert [len(ids) for ids, _ in sent] == [2, 2, 1]
    for ids, lease in sent:
        assert reverify_batch(ids, lease=lease)["checked"] == len(ids)


def test_a_busy_issuer_host_postpones_the_rest_of_the_batch(user, issuer_server, settings):
    pairs = hosted_badges(user, issuer_server, 3)
    settings.BADGE_HOST_MAX_CONCURRENT = 1
    HostLimiter().acquire("127.0.0.1")  # another worker holds the host's only slot
    requeued = []

    counts = reverify_batch([b.pk for b, _ in pairs], requeue=lambda ids, lease, wait: requeued.append(ids))

    assert counts["postponed"] == 3 and counts["checked"] == 0
    assert sorted(requeued[0]) == sorted(b.pk for b, _ in pairs)
    assert all(b.next_check_at > timezone.now() for b in Badge.objects.all())  # claimed again, not lost
    assert not Notification.objects.exists() and not Verification.objects.filter(trigger="schedule").exists()


def test_badges_not_started_within_the_time_budget_are_handed_on_not_lost(user, issuer_server):
    pairs = hosted_badges(user, issuer_server, 3)
    requeued = []

    counts = reverify_batch(
        [b.pk for b, _ in pairs], budget_seconds=-1, requeue=lambda ids, lease, wait: requeued.append(ids)
    )

    assert counts["checked"] == 0 and counts["postponed"] == 3 and sorted(requeued[0]) == sorted(b.pk for b, _ in pairs)


def test_a_batch_revocation_shows_on_the_public_page_at_once(user, issuer_server):
    [(badge, hosted)] = hosted_badges(user, issuer_server, 1)
    portfolio = create_portfolio(owner=user, title="AO", visibility=Portfolio.Visibility.UNLISTED)
    add_badge_to_portfolio(portfolio=portfolio, badge=badge)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Revoked" not in visitor.get(f"/p/{portfolio.slug}/").content.decode()

    hosted.revoke()
    reverify_batch([badge.pk])

    assert "Revoked" in visitor.get(f"/p/{portfolio.slug}/").content.decode()


def test_a_kept_alive_connection_never_lets_a_request_skip_the_ssrf_guard(issuer_server):
    from badges.batch import KeepAlive
    from badges.fetch import SafeFetcher
    from badges.openbadges.errors import FetchError

    issuer_server.serve("/a", {"ok": True})
    # "rebind.example" resolves to the same loopback address the batch already holds a connection to.
    fetcher = SafeFetcher(allow_hosts={"127.0.0.1"}, resolver=lambda host: ["127.0.0.1"])
    keep_alive = KeepAlive()
    keep_alive.attach(fetcher)
    try:
        assert fetcher(issuer_server.url("/a")).json() == {"ok": True}
        with pytest.raises(FetchError) as refused:
            fetcher(issuer_server.url("/a").replace("127.0.0.1", "rebind.example"))
        assert refused.value.kind == "refused"
        assert fetcher(issuer_server.url("/a")).json() == {"ok": True}  # the kept connection still serves
    finally:
        keep_alive.close()
