"""The learner's phone: what the wallet home, notices, 学びの1年 and the expiry pass cost as a wallet grows.

    .venv/bin/python benchmarks/phone.py [--badges 10 100 1000] [--runs 5]

Seeds a throw-away database (SQLite in a temp dir, or PostgreSQL when DATABASE_URL is set) with one
learner per size, renders the pages through Django's test client and prints SQL queries and the
median time per request; then times the hourly expiry-warning pass and one digest, and prints the
bytes a phone downloads for the installable app. Not a timed test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(call, runs: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return statistics.median(times), queries


def measure(size: int, runs: int, year: int) -> None:
    """One learner with ``size`` badges: print one row per page or job."""
    from django.test import Client
    from django.utils import timezone

    from badges.models import Badge, Notification
    from badges.notifications import send_digest, warn_expiring_badges
    from growth.models import Milestone
    from tests.conftest import make_learner
    from tests.factories import make_badge

    learner = make_learner(f"bench{size}@example.org", display_name="Bench")
    now = timezone.now()
    for n in range(size):
        make_badge(
            learner,
            thumbnail=False,
            issuer_name=f"Issuer {n % 25}",
            tags=[f"field {n % 40}"],
            issued_on=now - timedelta(days=n % 300),
            expires_on=now + timedelta(days=1 + n % 60),
        )
    badges = list(Badge.objects.filter(owner=learner)[:200])
    for badge in badges:
        Notification.objects.create(user=learner, badge=badge, kind="revoked")
    client = Client()
    client.force_login(learner)

    def first_visit() -> None:
        Milestone.objects.filter(user=learner).delete()
        assert client.get("/wallet/").status_code == 200

    rows = [
        ("wallet home, milestones recorded*", first_visit),
        ("wallet home, again", lambda: client.get("/wallet/")),
        (f"notices ({len(badges)} notices)", lambda: client.get("/notices/")),
        ("milestone timeline", lambda: client.get("/growth/")),
        (f"学びの1年 {year}", lambda: client.get(f"/growth/{year}/")),
        ("学びの1年 share image 1200x630", lambda: client.get(f"/growth/{year}/preview.png")),
    ]
    for name, call in rows:
        ms, queries = timed(call, runs)
        print(f"{size:>7} | {name:<34} | {queries:>7} | {ms:>8.1f}")

    from growth.services import progress_for

    listing = list(Badge.objects.filter(owner=learner))
    ms, queries = timed(lambda: progress_for(learner, listing), runs)
    print(f"{size:>7} | {'  of which growth (progress_for)':<34} | {queries:>7} | {ms:>8.1f}")

    Notification.objects.filter(kind__startswith="expires_").delete()
    started = time.perf_counter()
    created = warn_expiring_badges()
    ms = (time.perf_counter() - started) * 1000
    print(f"{size:>7} | {f'expiry pass ({created} warnings)':<34} | {'':>7} | {ms:>8.1f}")
    Notification.objects.filter(user=learner).update(emailed_at=None)
    started = time.perf_counter()
    send_digest(user=learner)
    ms = (time.perf_counter() - started) * 1000
    print(f"{size:>7} | {'digest mail (all notices)':<34} | {'':>7} | {ms:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--badges", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="manabi-bench-phone-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["MANABI_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)

    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, median of {args.runs} runs\n")
    header = f"{'badges':>7} | {'page':<34} | {'queries':>7} | {'ms':>8}"
    print(header)
    print("-" * len(header))
    year = timezone.localdate().year
    for size in args.badges:
        measure(size, args.runs, year)

    print("* includes deleting the milestones first (2 queries), so each run records them anew")
    client = Client()
    sizes = {
        "service worker": len(client.get("/sw.js").content),
        "manifest": len(client.get("/manifest.webmanifest").content),
        "icons (192 + 512 + maskable)": sum(
            (ROOT / "static/img" / name).stat().st_size
            for name in ("icon-192.png", "icon-512.png", "icon-maskable-512.png")
        ),
        "site.js + qr.js": sum((ROOT / "static/js" / name).stat().st_size for name in ("site.js", "qr.js")),
    }
    print()
    for name, size in sizes.items():
        print(f"{name:<30} {size:>8} bytes")


if __name__ == "__main__":
    main()
