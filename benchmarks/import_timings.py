"""How long one import takes, in the worker (or the request), for honest and hostile badges.

    .venv/bin/python benchmarks/import_timings.py

Uses the database from DATABASE_URL (SQLite in a temp dir otherwise) and local issuer servers on
127.0.0.1: a hosted OB 2.0 baked PNG (journey 1: "appears verified in a few seconds"), a fresh
OB 3.0 did:key credential, the poison graph, a header-dripping issuer and an issuer taking 8 s per
document. Prints wall time and CPU time per import and how it ended. Figures, not a test.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="manabi-import-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("MANABI_VAR_DIR", str(tmp))
    os.environ["BADGE_FETCH_ALLOW_HOSTS"] = "127.0.0.1"
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from allauth.account.models import EmailAddress
    from django.conf import settings

    from accounts.models import User
    from badges.services import ImportRefused, import_badge
    from tests.support.hosted import HostedBadge
    from tests.support.hostile_servers import DripServer
    from tests.support.issuer_server import IssuerServer
    from tests.support.poison import poison_text
    from tests.support.signed import DidKeyIssuer

    email = f"timing-{uuid.uuid4().hex[:8]}@example.org"
    user = User.objects.create_user(email=email, password="x")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)

    server = IssuerServer().start()
    slow = IssuerServer().start()
    drip = DripServer(interval=1.0).start()
    hosted = HostedBadge(server, recipient=email).publish()
    vc = DidKeyIssuer(server, email=email).publish()
    slow_badge = HostedBadge(slow, recipient=email).publish()
    for route, doc in list(slow.routes.items()):
        slow.serve(route, doc.body, content_type=doc.content_type or "", delay=8)

    cases = [
        ("OB 2.0 hosted, baked PNG", {"upload": SimpleUploadedFile("b.png", hosted.baked_png())}),
        ("OB 3.0 did:key Data Integrity + status list", {"payload": vc.data_integrity(index=3)}),
        ("poison graph (8 linked blank nodes)", {"payload": poison_text(8)}),
        ("header drip, 1 byte/s", {"url": drip.url("/assertions/1")}),
        ("slow issuer, 8 s per document", {"url": slow_badge.assertion_url}),
    ]
    print(
        f"One import each (BADGE_FETCH_TIMEOUT={settings.BADGE_FETCH_TIMEOUT} s, "
        f"BADGE_IMPORT_TIMEOUT={settings.BADGE_IMPORT_TIMEOUT} s), {os.cpu_count()} CPUs"
    )
    print(f"{'':46} {'wall s':>8} {'CPU s':>8}  outcome")
    try:
        for label, source in cases:
            wall, cpu = time.monotonic(), time.process_time()
            try:
                badge = import_badge(owner=user, **source)
                outcome = f"kept: {badge.status}"
            except ImportRefused as refused:
                outcome = f"refused: {refused.code}"
            print(f"{label:46} {time.monotonic() - wall:8.3f} {time.process_time() - cpu:8.3f}  {outcome}")
    finally:
        server.stop()
        slow.stop()
        drip.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
