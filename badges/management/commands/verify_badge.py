"""`manage.py verify_badge SOURCE [--recipient ID ...] [--json]`: verify one badge, no database needed.

Exit codes: 0 valid, 1 any other verdict, 2 unusable arguments (missing file, too large, …).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from badges.fetch import fetcher_from_settings
from badges.models import Status
from badges.openbadges.baking import is_compact_jws
from badges.openbadges.model import Identity
from badges.openbadges.verification import verify
from badges.presentation import result_as_json
from badges.services import too_large_message

RESULT_MARKS = {"pass": "✔", "fail": "✘", "error": "!", "skipped": "–"}


def identity_from_text(text: str) -> Identity:
    text = text.strip()
    if "@" in text and not text.startswith(("http", "did:")):
        return Identity("email", text)
    if text.startswith(("http://", "https://")):
        return Identity("url", text)
    if text.startswith("did:") or text.startswith("urn:"):
        return Identity("id", text)
    return Identity("telephone", text)


def read_source(source: str) -> bytes | str:
    limit = settings.BADGE_UPLOAD_MAX_BYTES
    if source.startswith(("http://", "https://")):
        return source
    stripped = source.strip()
    path = Path(source)
    # An existing file wins: "hana.data-science.png" has two dots but is not a JWT.
    if not _is_file(path) and (stripped.startswith("{") or is_compact_jws(stripped)):
        if len(stripped.encode()) > limit:
            raise CommandError(too_large_message(limit), returncode=2)
        return stripped  # pasted JSON or a compact JWS/JWT
    if not _is_file(path):
        raise CommandError(_("No such file: %(path)s") % {"path": source}, returncode=2)
    if path.stat().st_size > limit:
        raise CommandError(too_large_message(limit), returncode=2)
    return path.read_bytes()


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a pasted token can be too long, or hold NUL, for a file name
        return False


class Command(BaseCommand):
    help = "Verify an Open Badge (PNG, SVG, JSON, JWT file, or URL) and print every check."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("source", help="a file (PNG, SVG, JSON, JWT text) or a URL")
        parser.add_argument(
            "--recipient",
            action="append",
            default=[],
            metavar="IDENTITY",
            help="an e-mail, URL, telephone or DID the badge should be issued to (repeatable)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--lang", choices=["ja", "en"], help="language of messages (default: from $LANG)")

    def handle(self, *args, **options):
        lang = options["lang"] or ("ja" if os.environ.get("LANG", "").startswith("ja") else "en")
        translation.activate(lang)
        data = read_source(options["source"])
        identities = [identity_from_text(value) for value in options["recipient"]]
        result = verify(data, fetch=fetcher_from_settings(), now=timezone.now(), identities=identities)
        report = result_as_json(result)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self._print_human(report, result)
        if report["status"] != "valid":
            raise SystemExit(1)

    def _print_human(self, report: dict, result) -> None:
        badge = report["badge"]
        if badge:
            self.stdout.write(f"{badge['name']} — {badge['issuer']['name']}")
        label = Status(report["status"]).label
        self.stdout.write(_("Verdict: %(status)s") % {"status": label})
        for check in report["checks"]:
            self.stdout.write(f"  {RESULT_MARKS.get(check['result'], '?')} {check['name']}: {check['message']}")
