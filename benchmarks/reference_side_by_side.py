"""Manabi's re-verification (real Celery workers) beside 1EdTech's reference validator, same badges.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manabi REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/reference_side_by_side.py [600] [--rounds 2] [--concurrency 2]

Badges: N OB 2.0 badges served by a local issuer on 127.0.0.1, half hosted assertions, half signed
(RS256 JWS with a key and revocation list) — the part of the corpus the reference validator handles
(it knows no OB 3.0). In interleaved rounds it times:

* the reference: the PyPI package ``openbadges`` 1.1.2 (1EdTech's validator-core) in its own
  virtualenv, made by this script with ``--no-deps`` from the pinned list below (the pins it needs on
  Python 3.11: pycryptodome >= 3.10, python-jose 3.2.0, a current pytz). It verifies each badge by
  URL or JWS in one process; the OB v2 JSON-LD context it insists on fetching is answered from
  Manabi's bundled copy (the ``responses`` library; everything to 127.0.0.1 passes through).
* Manabi: every badge made due, one batched due pass, Celery workers re-check them all
  (the code path of production re-verification), with a scratch database <name>_bench.

It prints badges/s and issuer requests per badge of each, and the ratio. Figures are noisy on a
shared machine: compare the ratio within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import reverify  # noqa: E402

# openbadges 1.1.2 and what it needs, resolved once and pinned; three pins differ from its own
# metadata so that it imports and verifies on Python 3.11 (see shared docs, section 11).
REFERENCE_PINS = [
    "openbadges==1.1.2",
    "click==6.7",
    "future==0.16.0",
    "jsonschema==2.6.0",
    "language_tags==0.4.3",
    "pycryptodome==3.23.0",  # its pin 3.6.6 has Python 2 code
    "pydux==0.2.2",
    "PyLD==0.7.1",
    "python-jose==3.2.0",  # 3.0.1 uses collections.Mapping; 3.3+ lost the pycryptodome RSA backend
    "python-mimeparse==1.6.0",
    "pytz==2026.6",  # its pin 2017.2 is too old for current zone data
    "requests-cache==0.4.13",
    "rfc3986==0.4.1",
    "validators==0.11.2",
    "aniso8601==10.0.1",
    "openbadges-bakery==1.2.4",
    "requests==2.34.2",
    "certifi==2026.10.19.post1",
    "charset-normalizer==3.5.3",
    "decorator==5.3.1",
    "defusedxml==0.7.1",
    "ecdsa==0.19.2",
    "idna==3.20",
    "pypng==0.20220715.0",
    "six==1.17.0",
    "urllib3==2.8.0",
    "rsa==4.9.1",
    "pyasn1==0.6.5",
    "responses==0.26.3",  # answers the OB v2 context offline
    "PyYAML==6.0.3",  # needed by responses
]

RUNNER = r"""
import json, sys, time
import responses, openbadges

inputs = json.load(open(sys.argv[1]))
context = json.load(open(sys.argv[2]))
with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
    mock.add_passthru("http://127.0.0.1")
    for url in ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json"):
        mock.add(responses.GET, url, json=context, content_type="application/ld+json")
    valid, started = 0, time.perf_counter()
    for item in inputs:
        report = openbadges.verify(item, recipient_profile={"email": "hana@example.org"})
        valid += bool(report["report"]["valid"])
    print(json.dumps({"valid": valid, "total": len(inputs), "seconds": time.perf_counter() - started}))
"""


def reference_venv(path: Path) -> Path:
    python = path / "bin" / "python"
    stamp = path / ".pins"
    if not python.exists() or not stamp.exists() or stamp.read_text() != "\n".join(REFERENCE_PINS):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(path)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--no-deps", *REFERENCE_PINS],
            check=True,
        )
        stamp.write_text("\n".join(REFERENCE_PINS))
    return python


def seed_ob2(count: int, server, owner) -> list[str]:
    """Half hosted, half signed OB 2.0 badges; returns each badge's input for the reference."""
    from django.utils import timezone

    from badges.models import Badge, Status
    from tests.support.hosted import HostedBadge
    from tests.support.signed import SignedOb2Issuer

    HostedBadge(server, slug="0").publish()
    signed = SignedOb2Issuer(server).publish()
    rows, inputs = [], []
    for n in range(count):
        common = {"owner": owner, "status": Status.VALID, "last_definitive_status": Status.VALID}
        common |= {"next_check_at": timezone.now(), "name": f"Badge {n}", "spec_version": "2.0"}
        if n % 2 == 0:
            url = server.url(f"/assertions/{n}")
            server.serve(f"/assertions/{n}", HostedBadge(server, slug=str(n)).assertion())
            rows.append(Badge(fingerprint=f"h{n}", source_kind="url", source_url=url, badge_id=url, **common))
            inputs.append(url)
        else:
            token = signed.token(slug=str(n))
            rows.append(
                Badge(
                    fingerprint=f"s{n}",
                    source_kind="jwt",
                    raw_payload=token,
                    badge_id=signed.assertion_id(str(n)),
                    **common,
                )
            )
            inputs.append(token)
    Badge.objects.bulk_create(rows, batch_size=2000)
    return inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=600, help="badges (default 600)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (default 2)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--venv", type=Path, default=ROOT / "var" / "bench-reference-venv")
    args = parser.parse_args()

    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        sys.exit("Set DATABASE_URL=postgres://… and REDIS_URL=redis://… (see the docstring).")
    python = reference_venv(args.venv)
    queue = f"manabi-bench-{uuid.uuid4().hex[:8]}"
    scratch = Path(tempfile.mkdtemp(prefix="manabi-bench-"))
    os.environ.update(
        {
            "DATABASE_URL": reverify.bench_database_url(database_url),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "BADGE_FETCH_ALLOW_HOSTS": "127.0.0.1",
            "BADGE_HOST_REQUESTS_PER_SECOND": "1000000",
            "BADGE_HOST_MAX_CONCURRENT": "1000",
            "BADGE_REVERIFY_QUEUE": queue,
            "BADGE_REVERIFY_BATCH_SIZE": str(max(args.count, 1)),
            "BADGE_REVERIFY_MAX_BATCHES": "1",
            "DJANGO_MEDIA_ROOT": str(scratch / "media"),
            "MANABI_VAR_DIR": str(scratch),
            "DJANGO_LOG_LEVEL": "WARNING",
            **reverify.PRODUCTION_LIKE,
        }
    )
    reverify.recreate_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from badges.batch import run_batched_due_pass
    from badges.models import Badge
    from badges.openbadges.jsonld import load_context
    from badges.tasks import enqueue_batch
    from config.celery import app
    from tests.conftest import make_learner
    from tests.support.issuer_server import IssuerServer

    call_command("migrate", verbosity=0)
    server = IssuerServer().start()
    owner = make_learner("hana@example.org")
    inputs = seed_ob2(args.count, server, owner)
    (scratch / "inputs.json").write_text(json.dumps(inputs))
    (scratch / "context.json").write_text(json.dumps(load_context("https://w3id.org/openbadges/v2")))
    (scratch / "runner.py").write_text(RUNNER)

    workers = [
        subprocess.Popen(
            [sys.executable, reverify.__file__, "--worker", queue, "--concurrency", str(args.concurrency)],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        for _ in range(args.workers)
    ]
    rows = {"reference (openbadges 1.1.2)": [], "Manabi (Celery workers)": []}
    try:
        deadline = time.monotonic() + 60
        while len(app.control.ping(timeout=1.0)) < args.workers:
            if time.monotonic() > deadline:
                sys.exit("workers did not start")
        for _round in range(args.rounds):
            before = len(server.requests)
            out = subprocess.run(
                [str(python), str(scratch / "runner.py"), str(scratch / "inputs.json"), str(scratch / "context.json")],
                capture_output=True,
                text=True,
                check=True,
            )
            ref = json.loads(out.stdout.strip().splitlines()[-1])
            rows["reference (openbadges 1.1.2)"].append((ref["seconds"], len(server.requests) - before, ref["valid"]))

            Badge.objects.update(next_check_at=timezone.now())
            before, t0, started = len(server.requests), timezone.now(), time.monotonic()
            run_batched_due_pass(enqueue_batch=enqueue_batch)
            while Badge.objects.filter(last_checked_at__gte=t0).count() < args.count:
                time.sleep(0.2)
            valid = Badge.objects.filter(status="valid").count()
            rows["Manabi (Celery workers)"].append((time.monotonic() - started, len(server.requests) - before, valid))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        server.stop()

    print(f"{args.count} OB 2.0 badges (half hosted, half signed RS256), {args.rounds} interleaved rounds")
    print(f"{'':32} {'badges/s':>9} {'requests/badge':>15} {'valid':>7}")
    rates = {}
    for label, runs in rows.items():
        seconds = sum(r[0] for r in runs)
        requests = sum(r[1] for r in runs)
        rates[label] = args.count * len(runs) / seconds
        print(f"{label:32} {rates[label]:9.1f} {requests / (args.count * len(runs)):15.2f} {runs[-1][2]:7d}")
    ours, theirs = rates["Manabi (Celery workers)"], rates["reference (openbadges 1.1.2)"]
    print(f"Manabi / reference: {ours / theirs:.1f}x badges/s")


if __name__ == "__main__":
    main()
