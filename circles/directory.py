"""次のバッジ: the public directory of badge classes held (valid) in Manabi, and the k-anonymous
"holders of X also earned Y" suggestions. Rebuilt by a Celery task (circles.tasks), idempotently.

Nothing about any one holder leaves this module: holder counts are totals (shown only at ≥ k), and
a suggestion exists only when at least k learners who opted in hold both badges.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import combinations

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from badges.models import Badge, Status

from .keys import class_key_of, issuer_key_of, normalise_for_search
from .models import AlsoEarned, CommunityProfile, DirectoryEntry

BATCH = 2000
# What a class's entry is read from (one holder's copy of the issuer's published badge class).
SAMPLE_FIELDS = (
    "name",
    "description",
    "criteria_url",
    "criteria_narrative",
    "issuer_id",
    "issuer_name",
    "issuer_url",
)
DETAIL_FIELDS = (
    "name",
    "description",
    "criteria_url",
    "criteria_narrative",
    "issuer_id",
    "issuer_name",
    "issuer_url",
    "image_badge_id",
    "holders",
    "search_text",
    "issuer_key",
)


def valid_now(now: datetime) -> QuerySet[Badge]:
    """Badges a viewer sees as valid now: verified (or verified and only briefly unreachable), not expired."""
    recent_outage = now - timedelta(days=settings.BADGE_UNVERIFIABLE_AFTER_DAYS)
    shown_valid = Q(status=Status.VALID) | Q(
        status=Status.UNREACHABLE, last_definitive_status=Status.VALID, unreachable_since__gt=recent_outage
    )
    return Badge.objects.filter(shown_valid).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=now))


@dataclass
class _Class:
    holders: set[int]
    sample: int  # a badge id to read the class's published details from
    image: int | None  # a badge id with a thumbnail


def rebuild_directory(*, now: datetime | None = None) -> dict[str, float]:
    """Recompute every directory entry and every suggestion. Returns counts and seconds taken."""
    from .attendance import site_did

    started = time.monotonic()
    now = now or timezone.now()
    own_issuer = site_did()
    classes: dict[str, _Class] = {}
    held_by: dict[int, set[str]] = defaultdict(set)
    rows = (
        valid_now(now)
        .exclude(issuer_id=own_issuer)
        .exclude(name="")
        .values_list("pk", "owner_id", "badge_class_id", "issuer_id", "issuer_name", "name", "thumbnail")
        .order_by()
    )
    for pk, owner_id, class_id, issuer_id, issuer_name, name, thumbnail in rows.iterator(chunk_size=BATCH):
        key = class_key_of(badge_class_id=class_id, issuer_id=issuer_id, issuer_name=issuer_name, name=name)
        entry = classes.get(key)
        if entry is None:
            entry = classes[key] = _Class(holders=set(), sample=pk, image=None)
        entry.holders.add(owner_id)
        if thumbnail and entry.image is None:
            entry.image = pk
        held_by[owner_id].add(key)
    scanned = time.monotonic()

    entries = _store_entries(classes, now=now)
    stored = time.monotonic()
    suggestions = _store_suggestions(held_by, entries)
    return {
        "classes": len(classes),
        "suggestions": suggestions,
        "scan_seconds": round(scanned - started, 3),
        "entries_seconds": round(stored - scanned, 3),
        "suggestions_seconds": round(time.monotonic() - stored, 3),
        "total_seconds": round(time.monotonic() - started, 3),
    }


def _store_entries(classes: dict[str, _Class], *, now: datetime) -> dict[str, int]:
    """Upsert entries (only changed rows are written) and drop classes nobody holds any more.
    Returns {class key: entry id}."""
    existing = {
        row["class_key"]: row for row in DirectoryEntry.objects.values("id", "class_key", *DETAIL_FIELDS).iterator()
    }
    keys = list(classes)
    to_create: list[DirectoryEntry] = []
    to_update: list[DirectoryEntry] = []
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        samples = Badge.objects.only(*SAMPLE_FIELDS).in_bulk([classes[k].sample for k in chunk])
        for key in chunk:
            info, sample = classes[key], samples[classes[key].sample]
            fields = {
                "name": sample.name[:500],
                "description": sample.description[:5000],
                "criteria_url": sample.criteria_url,
                "criteria_narrative": sample.criteria_narrative[:5000],
                "issuer_id": sample.issuer_id,
                "issuer_name": sample.issuer_name,
                "issuer_url": sample.issuer_url,
                "image_badge_id": info.image,
                "holders": len(info.holders),
                "search_text": normalise_for_search(
                    f"{sample.name}\n{sample.issuer_name}\n{sample.description[:1000]}"
                ),
                "issuer_key": issuer_key_of(issuer_id=sample.issuer_id, issuer_name=sample.issuer_name),
            }
            old = existing.get(key)
            if old is None:
                to_create.append(DirectoryEntry(class_key=key, updated_at=now, **fields))
            elif any(old[name] != value for name, value in fields.items()):
                to_update.append(DirectoryEntry(id=old["id"], class_key=key, updated_at=now, **fields))
    stale = [row["id"] for key, row in existing.items() if key not in classes]
    with transaction.atomic():
        for start in range(0, len(stale), BATCH):
            DirectoryEntry.objects.filter(pk__in=stale[start : start + BATCH]).delete()
        DirectoryEntry.objects.bulk_create(to_create, batch_size=BATCH)
        DirectoryEntry.objects.bulk_update(to_update, [*DETAIL_FIELDS, "updated_at"], batch_size=500)
    return dict(DirectoryEntry.objects.values_list("class_key", "id"))


def _store_suggestions(held_by: dict[int, set[str]], entries: dict[str, int]) -> int:
    """Co-holding counts among learners who opted in (never minors); pairs under k are dropped."""
    k = settings.CIRCLES_MIN_COUNT
    opted_in = set(
        CommunityProfile.objects.filter(share_in_suggestions=True, under_18=False).values_list("user_id", flat=True)
    )
    pairs: Counter[tuple[str, str]] = Counter()
    cap = settings.CIRCLES_SUGGESTION_MAX_BADGES_PER_LEARNER
    for owner_id, keys in held_by.items():
        if owner_id not in opted_in or len(keys) < 2:
            continue
        # A collector with thousands of badges would add millions of pairs: count their first `cap` only.
        for a, b in combinations(sorted(keys)[:cap], 2):
            pairs[(a, b)] += 1
    best: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (a, b), count in pairs.items():
        if count >= k:
            best[a].append((count, b))
            best[b].append((count, a))
    rows = [
        AlsoEarned(source_id=entries[source], target_id=entries[target], holders=count)
        for source, targets in best.items()
        for count, target in sorted(targets, reverse=True)[: settings.CIRCLES_SUGGESTIONS_PER_BADGE]
        if source in entries and target in entries
    ]
    with transaction.atomic():
        AlsoEarned.objects.all().delete()
        AlsoEarned.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def search(query: str) -> QuerySet[DirectoryEntry]:
    """Every word must appear in the name, issuer or description (ja or en, any width or case)."""
    entries = DirectoryEntry.objects.defer("description", "criteria_narrative", "search_text")
    query = "".join(ch for ch in query if ch >= " ")  # a NUL never reaches the database
    for word in normalise_for_search(query).split()[:8]:
        entries = entries.filter(search_text__contains=word[:100])
    return entries.order_by("-holders", "name", "id")


def entry_for_badge(badge: Badge) -> DirectoryEntry | None:
    from .keys import badge_class_key

    return DirectoryEntry.objects.filter(class_key=badge_class_key(badge)).only("id", "class_key").first()
