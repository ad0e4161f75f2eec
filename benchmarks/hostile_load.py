"""The public portfolio page under load, with and without three hostile imports running, side by side.

    .venv/bin/python benchmarks/hostile_load.py [--seconds 10] [--rounds 2] [--concurrency 64] [--in-request]

Starts production-mode gunicorn (3 workers) and a Celery worker on 127.0.0.1, seeds one learner
with 20 badges in an unlisted portfolio (PostgreSQL/Redis from DATABASE_URL/REDIS_URL, else SQLite
and the embedded broker), then alternates windows: the public page alone under ``--concurrency``
keep-alive clients, and the same load while three hostile imports are kept in flight through the
API — a poison-graph OB 3.0 credential (canonicalisation work budget), an issuer dripping its
headers one byte at a time (fetch deadline) and an honest but slow issuer (8 s per document).
Prints requests/s, p50 and p99 for each, and the change. ``--in-request`` runs imports inside the
web request (BADGE_IMPORTS_IN_BACKGROUND=0) for comparison. A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from public_page import free_port, load, production_env  # noqa: E402

from tests.support.hosted import HostedBadge  # noqa: E402
from tests.support.hostile_servers import DripServer  # noqa: E402
from tests.support.issuer_server import IssuerServer  # noqa: E402
from tests.support.poison import poison_text  # noqa: E402


def seed(badge_count: int) -> tuple[str, str, str]:
    """A learner with badges in an unlisted portfolio: (public page path, API token, learner e-mail)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import User
    from accounts.tokens import create_token
    from tests.factories import make_badge
    from wallet.models import Portfolio
    from wallet.services import create_portfolio, set_portfolio_badges

    email = f"bench-{uuid.uuid4().hex[:8]}@example.org"
    user = User.objects.create_user(email=email, password="x", display_name="Bench")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    badges = [make_badge(user, name=f"Badge {i}", tags=["python", "data"]) for i in range(badge_count)]
    portfolio = create_portfolio(owner=user, title="Benchmark", description="Load test")
    set_portfolio_badges(portfolio=portfolio, badges=badges)
    portfolio.visibility = Portfolio.Visibility.UNLISTED
    portfolio.save()
    return f"/p/{portfolio.slug}/", create_token(user=user, name="bench")[1], email


class Attacker:
    """Starts the three hostile imports through the API and follows each until it ends (or the window
    does), polling every 2 s like the import page; records how long each took and how it ended."""

    def __init__(self, port: int, token: str, sources: dict[str, dict]) -> None:
        self.port, self.token, self.sources = port, token, sources
        self.stop = threading.Event()
        self.timings: dict[str, list[float]] = {name: [] for name in sources}
        self.answers: dict[str, list[str]] = {name: [] for name in sources}

    def _request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json", "Accept-Language": "en"}
        conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        try:
            return response.status, json.loads(data or b"{}")
        except ValueError:
            return response.status, {}

    def _one(self, name: str) -> None:
        started = time.monotonic()
        status, body = self._request("POST", "/api/v1/badges/import/", self.sources[name])
        while status in (200, 202) and body.get("pending") and not self.stop.wait(2):
            status, body = self._request("GET", body.get("status_url") or "/")
        if body.get("pending"):
            self.answers[name].append("still running when the window closed")
            return
        self.timings[name].append(time.monotonic() - started)
        self.answers[name].append(f"{status} {body.get('code') or body.get('error', {}).get('code', '')}")

    def __enter__(self) -> Attacker:
        self.threads = [threading.Thread(target=self._one, args=(name,), daemon=True) for name in self.sources]
        for thread in self.threads:
            thread.start()
        time.sleep(0.5)  # the imports are under way before the load starts
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()


def wait_for(port: int, path: str) -> None:
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--in-request", action="store_true", help="run imports inside the web request")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="manabi-hostile-"))
    env = production_env(tmp)
    queue = f"bench-imports-{uuid.uuid4().hex[:6]}"
    env.update(
        BADGE_FETCH_ALLOW_HOSTS="127.0.0.1",
        BADGE_FETCH_TIMEOUT="15",
        BADGE_IMPORTS_IN_BACKGROUND="0" if args.in_request else "1",
        BADGE_IMPORT_QUEUE=queue,
        BADGE_MAX_PENDING_IMPORTS="100",
        API_RATE_IMPORT="100000/hour",
        API_RATE_IMPORT_IP="100000/hour",
        API_RATE_USER="1000000/hour",
        API_RATE_ANON="1000000/hour",
    )
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    path, token, email = seed(args.badges)

    slow = IssuerServer().start()
    hosted = HostedBadge(slow, recipient=email).publish()
    for route, doc in list(slow.routes.items()):
        slow.serve(route, doc.body, content_type=doc.content_type or "", delay=8)
    drip = DripServer(interval=1.0).start()
    sources = {
        "poison graph (OB 3.0, 8 linked blank nodes)": {"payload": poison_text(8)},
        "header drip (1 byte/s)": {"url": drip.url("/assertions/1")},
        "slow issuer (8 s per document)": {"url": hosted.assertion_url},
    }

    port = free_port()
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
        + ["--timeout", "30", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    worker = None
    if not args.in_request:
        worker = subprocess.Popen(
            [str(bin_dir / "celery"), "-A", "config", "worker", "-Q", queue, "--concurrency", "3"]
            + ["--loglevel", "WARNING", "--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=ROOT,
            env=env,
        )
    quiet, attacked, attacker = [], [], None
    try:
        wait_for(port, path)
        load(port, path, seconds=2, concurrency=4)  # warm-up
        for _round in range(args.rounds):
            quiet.append(load(port, path, seconds=args.seconds, concurrency=args.concurrency))
            with Attacker(port, token, sources) as attacker_now:
                attacked.append(load(port, path, seconds=args.seconds, concurrency=args.concurrency))
            attacker = attacker_now if attacker is None else attacker
            if attacker is not attacker_now:
                for name in sources:
                    attacker.timings[name] += attacker_now.timings[name]
                    attacker.answers[name] += attacker_now.answers[name]
            time.sleep(2)
    finally:
        for process in (server, worker):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        slow.stop()
        drip.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    def total(rows: list[dict]) -> dict:
        requests = sum(r["requests"] for r in rows)
        return {
            "rps": sum(r["rps"] for r in rows) / len(rows),
            "p50": sum(r["p50"] for r in rows) / len(rows),
            "p99": max(r["p99"] for r in rows),
            "requests": requests,
            "errors": sum(r["errors"] for r in rows),
        }

    base, attack = total(quiet), total(attacked)
    mode = "imports in the request (BADGE_IMPORTS_IN_BACKGROUND=0)" if args.in_request else "imports in a Celery worker"
    print(
        f"Public portfolio page ({args.badges} badges), gunicorn --workers {args.workers}, {args.concurrency} "
        f"keep-alive clients, {args.rounds} × {args.seconds:.0f} s windows each, interleaved; {mode}; "
        f"{os.cpu_count()} CPUs"
    )
    print(f"{'':34} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'requests':>9} {'errors':>7}")
    for label, row in (("page alone", base), ("page + 3 hostile imports", attack)):
        print(
            f"{label:34} {row['rps']:9.1f} {row['p50']:9.1f} {row['p99']:9.1f} {row['requests']:9d} {row['errors']:7d}"
        )
    print(
        f"change under attack: req/s {100 * (attack['rps'] / base['rps'] - 1):+.1f}%, "
        f"p99 {100 * (attack['p99'] / base['p99'] - 1):+.1f}%"
    )
    for name in sources:
        times = attacker.timings[name] if attacker else []
        answers = sorted(set(attacker.answers[name])) if attacker else []
        done = f"{len(times)} finished, {max(times):.1f} s max" if times else "none finished within a window"
        print(f"  {name}: {done}; answers {', '.join(answers) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
