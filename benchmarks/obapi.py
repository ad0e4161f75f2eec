"""Open Badges 3.0 API: upserts per second through the API, and the time to pull N credentials
from a connected host.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manabi REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/obapi.py            # 1,000 credentials (scratch database <name>_obapi_bench)
    .venv/bin/python benchmarks/obapi.py --count 200    # without DATABASE_URL: SQLite in a temporary directory

1. Upsert: one client (a registered OAuth application with a credential.upsert token) POSTs N freshly
   signed OB 3.0 credentials (eddsa-rdfc-2022, did:key, each with a BitstringStatusList entry served
   by a local issuer server) in a row over HTTP/1.1 keep-alive to Manabi served by a threaded WSGI
   server on 127.0.0.1. Each upsert runs the full import synchronously (verification, status list,
   recipient match, storage) and must answer 201.
2. Pull: the N credentials then belong to Hana's account "at school"; Hana's own account connects to
   that host over HTTP (discovery, dynamic registration, consent, code + PKCE) and one pull imports
   all N through the same pipeline (pages of 100). The host is the same process here, so serving and
   importing share one interpreter.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def scratch_database(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_obapi_bench"
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="manabi-obapi-bench-")
    url = os.environ.get("DATABASE_URL", "")
    os.environ["DATABASE_URL"] = (
        scratch_database(url) if url.startswith("postgres") else f"sqlite:///{workdir}/db.sqlite3"
    )
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "MANABI_VAR_DIR": workdir,
            "BADGE_FETCH_ALLOW_HOSTS": "127.0.0.1",
            "API_RATE_USER": "1000000/hour",
            "API_RATE_OBAPI": "1000000/hour",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    run(args.count)


def serve():
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def run(count: int) -> None:
    from datetime import timedelta

    import urllib3
    from django.db import connection as db
    from django.test import Client
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application, set_token_value

    from badges.models import Badge
    from obapi import connections, scopes
    from tests.conftest import make_learner
    from tests.support.issuer_server import IssuerServer
    from tests.support.signed import DidKeyIssuer

    server, base = serve()
    issuer_server = IssuerServer().start()
    issuer = DidKeyIssuer(issuer_server).publish()
    print(f"Manabi at {base} ({db.vendor}); signing {count} OB 3.0 credentials…", flush=True)
    started = time.perf_counter()
    credentials = [issuer.data_integrity(index=i) for i in range(count)]
    print(f"  signed in {time.perf_counter() - started:.1f} s", flush=True)

    # -- 1. Upserts ------------------------------------------------------------------------------
    hana = make_learner("hana@example.org", display_name="Hana")
    application = Application.objects.create(
        name="Benchmark platform",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://platform.example/cb",
    )
    token = AccessToken(
        user=hana, application=application, scope=scopes.CREDENTIAL_UPSERT, expires=timezone.now() + timedelta(hours=2)
    )
    set_token_value(token, "benchmark-access-token-0123456789")
    token.save()
    http = urllib3.PoolManager(maxsize=1, retries=False, timeout=60)
    headers = {"Authorization": "Bearer benchmark-access-token-0123456789", "Content-Type": "application/json"}
    latencies = []
    started = time.perf_counter()
    for text in credentials:
        t0 = time.perf_counter()
        response = http.request("POST", base + "/ims/ob/v3p0/credentials", body=text.encode(), headers=headers)
        latencies.append(time.perf_counter() - t0)
        if response.status != 201:
            raise SystemExit(f"upsert answered {response.status}: {response.data[:300]!r}")
    elapsed = time.perf_counter() - started
    valid = Badge.objects.filter(owner=hana, status="valid").count()
    latencies.sort()
    print(
        f"Upsert: {count} credentials in {elapsed:.1f} s = {count / elapsed:.1f} upserts/s "
        f"(median {statistics.median(latencies) * 1000:.0f} ms, p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms; "
        f"{valid} stored valid)",
        flush=True,
    )

    # -- 2. Pull ---------------------------------------------------------------------------------
    school = make_learner("hana.sato@school.example")
    Badge.objects.filter(owner=hana).update(owner=school)
    callback = "http://127.0.0.1:9/connections/callback/"
    pending, authorize_url = connections.start_connection(owner=hana, address=base, redirect_uri=callback)
    at_host = Client()
    at_host.force_login(school)
    parts = urlsplit(authorize_url)
    params = {key: value[0] for key, value in parse_qs(parts.query).items()}
    answer = at_host.post(f"{parts.path}?{parts.query}", {**params, "granted": params["scope"].split(), "allow": "1"})
    query = parse_qs(urlsplit(answer["Location"]).query)
    connection = connections.finish_connection(
        owner=hana, state=query["state"][0], code=query["code"][0], error="", redirect_uri=callback
    )
    started = time.perf_counter()
    report = connections.pull_connection(connection=connection)
    elapsed = time.perf_counter() - started
    valid = Badge.objects.filter(owner=hana, status="valid").count()
    print(
        f"Pull: {report.imported} of {report.seen} credentials imported in {elapsed:.1f} s "
        f"= {report.imported / elapsed:.1f} credentials/s ({valid} stored valid, {len(report.refused)} refused)",
        flush=True,
    )
    if report.imported != count or valid != count:
        raise SystemExit("the pull did not import every credential as valid: the benchmark is broken")
    issuer_server.stop()
    server.shutdown()


if __name__ == "__main__":
    main()
