"""Public portfolio page under load: Django's page vs the same HTML as a static file, one gunicorn.

    .venv/bin/python benchmarks/public_page.py [--badges 50] [--seconds 10] [--concurrency 16] [--workers 3]

Seeds a throw-away database (SQLite in a temp dir, or PostgreSQL when DATABASE_URL is set) with one
learner, N badges and an unlisted portfolio, starts gunicorn in production mode on 127.0.0.1, saves
the rendered page as a static file served by the same gunicorn (WhiteNoise), then loads both with
keep-alive HTTP clients and prints requests/s, p50 and p99 latency and the ratio. Not a timed test.
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


def production_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
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
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
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

        load(port, path, seconds=2, concurrency=4)  # warm-up
        page = load(port, path, seconds=args.seconds, concurrency=args.concurrency)
        static = load(port, "/static/bench/portfolio.html", seconds=args.seconds, concurrency=args.concurrency)
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"Public portfolio page, {args.badges} badges, {len(html):,} bytes of HTML; gunicorn --workers "
        f"{args.workers}; {args.concurrency} keep-alive clients for {args.seconds:.0f} s each; {os.cpu_count()} CPUs"
    )
    print(f"{'':28} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'requests':>9} {'errors':>7}")
    for label, row in (("Django page /p/<slug>/", page), ("same HTML as static file", static)):
        print(
            f"{label:28} {row['rps']:9.1f} {row['p50']:9.2f} {row['p99']:9.2f} {row['requests']:9d} {row['errors']:7d}"
        )
    print(f"ratio static/page: {static['rps'] / page['rps']:.1f}x throughput, p50 {page['p50'] / static['p50']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
