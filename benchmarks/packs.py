"""Submission packs and permanent links: what making a pack, its reader's page and its A4 printout
cost with 1, 10 and 50 badges (SQL queries and milliseconds, median of several runs).

    .venv/bin/python benchmarks/packs.py [--runs 5]

Seeds a throw-away SQLite database in a temp dir. Prints figures; not a timed test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="manabi-packs-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite3'}"
    os.environ["MANABI_VAR_DIR"] = str(tmp / "var")
    os.environ["DJANGO_MEDIA_ROOT"] = str(tmp / "media")
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from handouts.services import create_pack
    from tests.conftest import make_learner
    from tests.factories import make_badge
    from wallet.services import add_badge_to_portfolio, create_portfolio, permanent_link

    print(
        f"{'badges':>6} {'make pack ms':>13} {'reader page ms':>15} {'queries':>8} {'A4 printout ms':>15} {'queries':>8}"
    )
    for count in (1, 10, 50):
        learner = make_learner(f"bench{count}@example.org", display_name="Bench")
        portfolio = create_portfolio(owner=learner, title="Admissions", visibility="unlisted")
        for _ in range(count):
            add_badge_to_portfolio(portfolio=portfolio, badge=make_badge(learner))
        made, reader, printout = [], [], []
        reader_queries = printout_queries = 0
        client = Client()
        owner = Client()
        owner.force_login(learner)
        for _ in range(args.runs):
            started = time.perf_counter()
            pack = create_pack(portfolio=portfolio, audience="A大学 総合型選抜")
            made.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                assert client.get(f"/k/{pack.token}/").status_code == 200
                reader.append((time.perf_counter() - started) * 1000)
            reader_queries = len(queries)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                assert owner.get(f"/wallet/packs/{pack.pk}/").status_code == 200
                printout.append((time.perf_counter() - started) * 1000)
            printout_queries = len(queries)
        print(
            f"{count:>6} {statistics.median(made):>13.1f} {statistics.median(reader):>15.1f} {reader_queries:>8}"
            f" {statistics.median(printout):>15.1f} {printout_queries:>8}"
        )
    badge = make_badge(make_learner("link@example.org"))
    link = permanent_link(badge=badge)
    client = Client()
    times = []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            assert client.get(f"/b/{link.code}/").status_code == 200
            times.append((time.perf_counter() - started) * 1000)
    print(f"permanent badge page /b/<code>/: {statistics.median(times):.1f} ms, {len(queries)} queries")


if __name__ == "__main__":
    main()
