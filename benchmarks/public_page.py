"""Public portfolio page under load: Django's page vs the same HTML as a static file, one gunicorn.

    .venv/bin/python benchmarks/public_page.py [--badges 50] [--seconds 10] [--concurrency 16] [--workers 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manabi REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python benchmarks/public_page.py --seconds 6 --rounds 3

Seeds a throw-away database (SQLite in a temp dir, or with DATABASE_URL=postgres://… a scratch
PostgreSQL database <name>_bench_page, dropped and re-created) with one learner, N badges and an
unlisted portfolio, starts gunicorn in production mode on 127.0.0.1 (persistent connections as in
production; REDIS_URL, if set, is the cache), saves the rendered page as a static file served by
the same gunicorn (WhiteNoise), then loads both with HTTP clients, interleaved in rounds
(page, static, page, static, ...), and prints requests/s, p50 and p99 latency and the ratios.
Anonymous visitors get the page whole from the cache (wallet/page_cache.py). Not a timed test.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scratch_postgres(url: str) -> str:
    """A fresh database beside the one in ``url`` (never the developer's own data)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    scratch = parts.path.rstrip("/") + "_bench_page"
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch.lstrip("/")}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{scratch.lstrip("/")}"')
    return urlunsplit(parts._replace(path=scratch))


def production_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    if env.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"] = scratch_postgres(env["DATABASE_URL"])
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        MANABI_VAR_DIR=str(tmp / "var"),
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def seed(badge_count: int) -> str:
    """Create the learner, badges and portfolio; return the public page path."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import User
    from tests.factories import make_badge
    from wallet.models import Portfolio
    from wallet.services import create_portfolio, set_portfolio_badges

    user = User.objects.create_user(email="bench@example.org", password="x", display_name="Bench")
    badges = [make_badge(user, name=f"Badge {i}", tags=["python", "data"]) for i in range(badge_count)]
    portfolio = create_portfolio(owner=user, title="Benchmark", description="Load test")
    set_portfolio_badges(portfolio=portfolio, badges=badges)
    portfolio.visibility = Portfolio.Visibility.UNLISTED
    portfolio.save()
    return f"/p/{portfolio.slug}/"


def load(port: int, path: str, *, seconds: float, concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Language": "ja"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan"),
        "errors": errors,
        "latencies": latencies,
    }


def merge(rows: list[dict]) -> dict[str, float]:
    """Rounds added up: total requests over total time; latency figures from the pooled samples."""
    total = sum(row["requests"] for row in rows)
    seconds = sum(row["requests"] / row["rps"] for row in rows if row["rps"])
    latencies = sorted(x for row in rows for x in row["latencies"])
    return {
        "requests": total,
        "rps": total / seconds if seconds else 0.0,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan"),
        "errors": sum(row["errors"] for row in rows),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved page/static rounds (default 2)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="manabi-bench-"))
    env = production_env(tmp)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    path = seed(args.badges)

    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", path)
                response = conn.getresponse()
                html = response.read()
                if response.status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        # The same bytes, as a file WhiteNoise serves from the same gunicorn. WhiteNoise indexes
        # STATIC_ROOT at start-up, so the file is written, then gunicorn is told to reload.
        static_file = Path(env["DJANGO_STATIC_ROOT"]) / "bench" / "portfolio.html"
        static_file.parent.mkdir(parents=True, exist_ok=True)
        static_file.write_bytes(html)
        server.send_signal(1)  # SIGHUP: gunicorn restarts its workers
        time.sleep(3)

        load(port, path, seconds=3, concurrency=args.concurrency)  # warm-up: every worker renders once
        pages, statics = [], []
        for _round in range(args.rounds):
            pages.append(load(port, path, seconds=args.seconds / args.rounds, concurrency=args.concurrency))
            statics.append(
                load(
                    port,
                    "/static/bench/portfolio.html",
                    seconds=args.seconds / args.rounds,
                    concurrency=args.concurrency,
                )
            )
        page, static = merge(pages), merge(statics)
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)

    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    cache = "Redis" if env.get("REDIS_URL") else "local memory"
    print(f"database: {database}; cache: {cache}; {args.rounds} interleaved rounds")
    print(
        f"Public portfolio page, {args.badges} badges, {len(html):,} bytes of HTML; gunicorn --workers "
        f"{args.workers}; {args.concurrency} keep-alive clients for {args.seconds:.0f} s each; {os.cpu_count()} CPUs"
    )
    print(f"{'':28} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'requests':>9} {'errors':>7}")
    for label, row in (("Django page /p/<slug>/", page), ("same HTML as static file", static)):
        print(
            f"{label:28} {row['rps']:9.1f} {row['p50']:9.2f} {row['p99']:9.2f} {row['requests']:9d} {row['errors']:7d}"
        )
    print(
        f"page throughput = {page['rps'] / static['rps']:.0%} of the static file's; "
        f"page p99/p50 = {page['p99'] / page['p50']:.1f} (static: {static['p99'] / static['p50']:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
