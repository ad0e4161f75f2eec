"""Benchmark: the 次のバッジ directory and "also earned" suggestions at Japan's scale, on PostgreSQL.

Seeds a scratch database (<name>_circles_bench, dropped and re-created) in bulk with 20,000
learners, 14,000 badge classes from 700 issuers (Japanese and English names) and 100,000 valid
badges (a power law: a few popular classes, a long tail; learners mostly collect from one issuer,
so co-holding exists); half of the learners opt in to suggestions. Then it times the recompute task
(`circles.tasks.rebuild_directory`: a first build, then a recompute with nothing changed) and the
directory search page (`/next/?q=…`, rendered through Django's full stack in-process, no network)
for a mix of queries, and prints p50/p99. Not a timed test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manabi \\
        .venv/bin/python benchmarks/circles_directory.py                  # ~2-3 minutes on 2 cores
    ... benchmarks/circles_directory.py --badges 20000 --learners 4000 --classes 3000 --requests 100
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOPICS_JA = [
    "データサイエンス",
    "プログラミング",
    "翻訳ボランティア",
    "防災リーダー",
    "地域づくり",
    "英語コミュニケーション",
    "介護",
    "起業",
    "観光ガイド",
    "農業",
]
TOPICS_EN = [
    "Data Science",
    "Python",
    "Project Management",
    "Cloud",
    "Design Thinking",
    "Statistics",
    "Cybersecurity",
    "Leadership",
    "Marketing",
    "Teamwork",
]
LEVELS = ["入門", "基礎", "応用", "Basics", "Intermediate", "Advanced", "Level 1", "Level 2"]
PLACES = ["静岡県", "Shizuoka", "浜松市", "Tokyo", "大阪府", "Kyoto", "福岡", "Sapporo"]
QUERIES = {
    "empty (first page)": "",
    "ja word": "データサイエンス",
    "ja two words": "防災 入門",
    "en word": "python",
    "en full-width": "ＰＹＴＨＯＮ",
    "issuer": "Learning Centre 17",
    "no hit": "zzzz-nothing",
}


def scratch_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_circles_bench"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def seed(*, learners: int, classes: int, badges: int, rng: random.Random) -> None:
    from django.utils import timezone

    from accounts.models import User
    from badges.models import Badge, SourceKind, Status
    from circles.models import CommunityProfile

    now = timezone.now()
    started = time.monotonic()
    User.objects.bulk_create(
        [User(email=f"learner{i}@bench.example", password="!", display_name=f"L{i}") for i in range(learners)],
        batch_size=5000,
    )
    user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    CommunityProfile.objects.bulk_create(
        [CommunityProfile(user_id=pk, share_in_suggestions=(n % 2 == 0)) for n, pk in enumerate(user_ids)],
        batch_size=5000,
    )
    issuers = max(classes // 20, 1)
    catalogue = []  # (issuer number, class url, name, description)
    for c in range(classes):
        issuer = c % issuers
        topic = (TOPICS_JA + TOPICS_EN)[rng.randrange(20)]
        name = f"{topic} {rng.choice(LEVELS)} #{c}"
        description = f"{rng.choice(PLACES)}の講座「{topic}」を修了しました。 Completed the {topic} course."
        catalogue.append((issuer, f"https://issuer{issuer}.bench.example/badges/{c}", name, description))
    by_issuer: dict[int, list[int]] = {}
    for index, (issuer, *_rest) in enumerate(catalogue):
        by_issuer.setdefault(issuer, []).append(index)
    # Popular issuers and, within an issuer, popular classes (power law).
    issuer_weights = [1 / (rank + 1) ** 0.8 for rank in range(issuers)]
    per_learner = badges / learners
    holdings: dict[int, set[int]] = {}
    for owner in user_ids:
        home = rng.choices(range(issuers), weights=issuer_weights)[0]
        count = max(1, min(40, round(rng.expovariate(1 / max(per_learner - 1, 0.1))) + 1))
        picked: set[int] = set()
        for _attempt in range(count * 10):
            if len(picked) >= count:
                break
            if rng.random() < 0.75:
                pool = by_issuer[home]
                picked.add(pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)])
            else:
                picked.add(rng.randrange(classes))
        holdings[owner] = picked
    total = sum(len(p) for p in holdings.values())
    while total < badges:  # top up to exactly `badges` with random classes
        owner = rng.choice(user_ids)
        before = len(holdings[owner])
        holdings[owner].add(rng.randrange(classes))
        total += len(holdings[owner]) - before
    rows, made = [], 0
    for owner, picked in holdings.items():
        for index in sorted(picked):
            if made >= badges:
                break
            issuer, url, name, description = catalogue[index]
            rows.append(
                Badge(
                    owner_id=owner,
                    source_kind=SourceKind.JSON,
                    fingerprint=hashlib.sha256(f"{owner}-{index}".encode()).hexdigest(),
                    badge_class_id=url,
                    name=name,
                    description=description,
                    criteria_url=url + "/course",
                    issuer_id=f"https://issuer{issuer}.bench.example/",
                    issuer_name=f"Learning Centre {issuer} 学習センター",
                    issuer_url=f"https://issuer{issuer}.bench.example/",
                    status=Status.VALID,
                    last_definitive_status=Status.VALID,
                    last_checked_at=now,
                    raw_payload="{}",
                )
            )
            made += 1
        if len(rows) >= 5000:
            Badge.objects.bulk_create(rows, batch_size=5000)
            rows = []
    Badge.objects.bulk_create(rows, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {User.objects.count():,} learners, {Badge.objects.count():,} badges, "
        f"{len({c[1] for c in catalogue}):,} badge classes (declared; held: see below) "
        f"in {time.monotonic() - started:.1f} s"
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--classes", type=int, default=14_000)
    parser.add_argument("--badges", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="search requests per query kind")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("Set DATABASE_URL=postgres://… (the benchmark runs on PostgreSQL).", file=sys.stderr)
        return 2
    bench_url = scratch_url(url)
    recreate_database(bench_url)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # static files are not served here
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from circles.models import AlsoEarned, DirectoryEntry
    from circles.tasks import rebuild_directory

    try:
        call_command("migrate", verbosity=0)
        seed(learners=args.learners, classes=args.classes, badges=args.badges, rng=random.Random(15))

        print("\nrecompute task (circles.tasks.rebuild_directory, run in-process):")
        for label in ("first build", "recompute, nothing changed"):
            started = time.monotonic()
            figures = rebuild_directory()
            wall = time.monotonic() - started
            print(
                f"  {label:28} {wall:6.2f} s  (scan {figures['scan_seconds']} s, entries "
                f"{figures['entries_seconds']} s, suggestions {figures['suggestions_seconds']} s; "
                f"{figures['classes']:,} classes held, {figures['suggestions']:,} suggestions with k ≥ "
                f"{settings.CIRCLES_MIN_COUNT})"
            )
        shown = DirectoryEntry.objects.filter(holders__gte=settings.CIRCLES_MIN_COUNT).count()
        print(
            f"  directory: {DirectoryEntry.objects.count():,} entries, {shown:,} with an exact holder count; "
            f"{AlsoEarned.objects.values('source').distinct().count():,} classes have suggestions"
        )

        settings.DEBUG = False
        settings.ALLOWED_HOSTS = ["testserver"]
        client = Client()
        print(f"\ndirectory search page /next/?q=… ({args.requests} requests per row, one process):")
        everything: list[float] = []
        for label, query in QUERIES.items():
            client.get("/next/", {"q": query})  # warm-up
            timings = []
            for _ in range(args.requests):
                started = time.perf_counter()
                response = client.get("/next/", {"q": query})
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            everything += timings
            print(
                f"  {label:20} p50 {percentile(timings, 0.5):6.1f} ms   p99 {percentile(timings, 0.99):6.1f} ms"
                f"   mean {statistics.fmean(timings):6.1f} ms"
            )
        deep = "/next/?page=50"  # the deepest page served (circles.directory_views.MAX_PAGES)
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(deep)
            timings.append((time.perf_counter() - started) * 1000)
        everything += timings
        print(
            f"  {'page 50, no q':20} p50 {percentile(timings, 0.5):6.1f} ms   p99 {percentile(timings, 0.99):6.1f} ms"
        )
        print(
            f"  {'all rows':20} p50 {percentile(everything, 0.5):6.1f} ms   p99 {percentile(everything, 0.99):6.1f} ms"
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(bench_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
