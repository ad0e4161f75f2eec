"""Benchmark: re-verify N badges with real Celery workers against Redis + PostgreSQL.

Seeds N badges in a scratch database (<name>_bench, dropped and re-created), split evenly between
hosted OB 2.0 assertions (one badge class), signed OB 2.0 JWS (one key, one revocation list) and
OB 3.0 VC-JWT credentials (one did:key issuer, one shared BitstringStatusList), all served by a
local issuer simulator on 127.0.0.1. Then it runs one due pass and waits until workers have
re-checked every badge, and prints badges per second, HTTP requests to issuers per badge, SQL
queries per badge (counted inside the workers) and peak worker memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manabi REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/reverify.py                 # 2,000 badges, about a minute
    ... benchmarks/reverify.py 10000 --concurrency 8            # 10k
    ... benchmarks/reverify.py 100000 --workers 4 --concurrency 8   # 100k: allow ~30+ minutes
    ... benchmarks/reverify.py 100000 --due 10000                   # 100k rows, 10k of them due

Per-host limits are lifted (everything is one host here); the issuer simulator is single-process
Python, so at high concurrency it, not Manabi, may be the bottleneck.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# Workers run as in production: with DEBUG on, Django keeps the text of the last 9,000 queries per
# connection (a batch's UPDATE is ~300 KB), which made peak memory grow with the run's length.
PRODUCTION_LIKE = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
}


def bench_database_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# ---------------------------------------------------------------------------------------------
# Worker mode: a Celery worker that counts its SQL queries and reports its peak memory to Redis
# ---------------------------------------------------------------------------------------------


def run_worker(queue: str, concurrency: int) -> None:
    import resource

    import django

    django.setup()
    import redis
    from celery.signals import task_postrun, task_prerun
    from django.db.backends.signals import connection_created

    from config.celery import app

    stats = redis.Redis.from_url(os.environ["REDIS_URL"])
    counter = {"queries": 0}

    def count(execute, sql, params, many, context):
        counter["queries"] += 1
        return execute(sql, params, many, context)

    def install(sender, connection, **kwargs):
        if count not in connection.execute_wrappers:
            connection.execute_wrappers.append(count)

    def cpu_seconds() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def start(**kwargs):
        # CPU is counted from this process's first task on (not its start-up and imports).
        stats.hsetnx(f"{queue}:cpu0", str(os.getpid()), cpu_seconds())

    def report(**kwargs):
        pipe = stats.pipeline()
        pipe.hset(f"{queue}:cpu", str(os.getpid()), cpu_seconds())
        pipe.incrby(f"{queue}:sql", counter["queries"])
        pipe.hset(f"{queue}:rss", str(os.getpid()), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        pipe.execute()
        counter["queries"] = 0

    connection_created.connect(install, weak=False)
    task_prerun.connect(start, weak=False)
    task_postrun.connect(report, weak=False)
    app.worker_main(
        [
            "worker",
            "-Q",
            queue,
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--loglevel=WARNING",
            "--without-mingle",
            "--without-gossip",
        ]
    )


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


def seed(count: int, server, owner, *, due_count: int | None = None) -> None:
    from django.utils import timezone

    from badges.models import Badge, Status
    from tests.support.hosted import HostedBadge
    from tests.support.signed import DidKeyIssuer, SignedOb2Issuer

    hosted = HostedBadge(server, slug="0").publish()
    signed = SignedOb2Issuer(server).publish()
    vc = DidKeyIssuer(server).publish()
    due = timezone.now() - timedelta_seconds(60)
    later = timezone.now() + timedelta_seconds(86400)
    due_count = count if due_count is None else due_count
    rows = []
    for n in range(count):
        kind = n % 3
        common = {
            "owner": owner,
            "status": Status.VALID,
            "last_definitive_status": Status.VALID,
            # The first ``due_count`` are due; the rest wait (a big table, a day's share due).
            "next_check_at": due if n < due_count else later,
            "name": f"Badge {n}",
        }
        if kind == 0:
            url = server.url(f"/assertions/{n}")
            server.serve(f"/assertions/{n}", HostedBadge(server, slug=str(n)).assertion())
            rows.append(
                Badge(
                    fingerprint=f"h{n}", source_kind="url", source_url=url, badge_id=url, spec_version="2.0", **common
                )
            )
        elif kind == 1:
            token = signed.token(slug=str(n))
            rows.append(
                Badge(
                    fingerprint=f"s{n}",
                    source_kind="jwt",
                    raw_payload=token,
                    badge_id=signed.assertion_id(str(n)),
                    spec_version="2.0",
                    **common,
                )
            )
        else:
            token = vc.vc_jwt(index=n)
            rows.append(Badge(fingerprint=f"v{n}", source_kind="jwt", raw_payload=token, spec_version="3.0", **common))
    del hosted
    Badge.objects.bulk_create(rows, batch_size=2000)


def timedelta_seconds(seconds: float):
    from datetime import timedelta

    return timedelta(seconds=seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=2000, help="badges to seed (default 2000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--concurrency", type=int, default=4, help="prefork children per worker (default 4)")
    parser.add_argument("--timeout", type=float, default=1800, help="give up after this many seconds")
    parser.add_argument("--due", type=int, help="how many of the seeded badges are due (default: all)")
    parser.add_argument("--batch", type=int, default=50, help="badges per task (BADGE_REVERIFY_TASK_BATCH)")
    parser.add_argument("--worker", metavar="QUEUE", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        run_worker(args.worker, args.concurrency)
        return

    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        sys.exit("Set DATABASE_URL=postgres://… and REDIS_URL=redis://… (see the docstring).")
    checked = min(args.due or args.count, args.count)
    queue = f"manabi-bench-{uuid.uuid4().hex[:8]}"
    scratch = tempfile.mkdtemp(prefix="manabi-bench-")
    os.environ.update(
        {
            "DATABASE_URL": bench_database_url(database_url),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "BADGE_FETCH_ALLOW_HOSTS": "127.0.0.1",
            "BADGE_HOST_REQUESTS_PER_SECOND": "1000000",
            "BADGE_HOST_MAX_CONCURRENT": "1000",
            "BADGE_REVERIFY_QUEUE": queue,
            "BADGE_REVERIFY_BATCH_SIZE": str(max(checked, 1)),
            "BADGE_REVERIFY_MAX_BATCHES": "1",
            "BADGE_REVERIFY_TASK_BATCH": str(args.batch),
            "DJANGO_MEDIA_ROOT": str(Path(scratch) / "media"),
            "MANABI_VAR_DIR": scratch,
            "DJANGO_LOG_LEVEL": "WARNING",
            **PRODUCTION_LIKE,
        }
    )
    recreate_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.utils import timezone

    from badges.batch import run_batched_due_pass
    from badges.models import Badge
    from badges.tasks import enqueue_batch
    from config.celery import app
    from tests.conftest import make_learner
    from tests.support.issuer_server import IssuerServer

    call_command("migrate", verbosity=0)
    server = IssuerServer().start()
    owner = make_learner("hana@example.org")
    started = time.monotonic()
    seed(args.count, server, owner, due_count=checked)
    print(
        f"seeded {args.count} badges in {time.monotonic() - started:.1f}s "
        "(1/3 hosted 2.0, 1/3 signed 2.0, 1/3 OB 3.0 VC-JWT with a shared status list)"
    )

    stats = redis.Redis.from_url(redis_url)
    workers = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", queue, "--concurrency", str(args.concurrency)],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        for _ in range(args.workers)
    ]
    try:
        deadline = time.monotonic() + 60
        while len(app.control.ping(timeout=1.0)) < args.workers:
            if time.monotonic() > deadline:
                sys.exit("workers did not start")
        hits_before = len(server.requests)
        t0 = timezone.now()
        started = time.monotonic()
        counts = run_batched_due_pass(enqueue_batch=enqueue_batch)
        enqueued_in = time.monotonic() - started
        done = 0
        while done < checked:
            if time.monotonic() - started > args.timeout:
                sys.exit(f"timed out: {done}/{checked} checked")
            time.sleep(0.5)
            done = Badge.objects.filter(last_checked_at__gte=t0).count()
        elapsed = time.monotonic() - started
        time.sleep(1)  # let the last task_postrun reports land
        queries = int(stats.get(f"{queue}:sql") or 0)
        peak_kb = max((int(v) for v in stats.hgetall(f"{queue}:rss").values()), default=0)
        cpu0 = {k: float(v) for k, v in stats.hgetall(f"{queue}:cpu0").items()}
        cpu = sum(float(v) - cpu0.get(k, float(v)) for k, v in stats.hgetall(f"{queue}:cpu").items())
        statuses = dict(Badge.objects.order_by().values_list("status").annotate(n=django.db.models.Count("pk")))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        server.stop()
        stats.delete(f"{queue}:sql", f"{queue}:rss", f"{queue}:cpu", f"{queue}:cpu0")
    http = len(server.requests) - hits_before
    print(
        f"workers: {args.workers} x {args.concurrency} (prefork); queued {counts['enqueued']} badges "
        f"in {counts['tasks']} tasks of up to {args.batch} in {enqueued_in:.1f}s"
    )
    print(f"verdicts: {statuses}")
    print(f"re-verified {checked} of {args.count} badges in {elapsed:.1f}s = {checked / elapsed:.0f} badges/s")
    print(f"HTTP requests to issuers per badge: {http / checked:.3f} ({http} total)")
    print(f"SQL queries per badge (in workers): {queries / checked:.2f}")
    print(f"worker CPU per badge: {cpu * 1000 / checked:.1f} ms (user + system, all worker processes)")
    print(f"peak worker process memory (max RSS): {peak_kb / 1024:.0f} MB")


if __name__ == "__main__":
    main()
