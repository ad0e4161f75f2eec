"""The registry of known issuers: lookups for verified identities, CSV import, keeping badges in step.

A registered identity also covers its subdomains: registering ``u-tokyo.ac.jp`` makes a badge
proved to come from ``badges.u-tokyo.ac.jp`` a registered issuer's. DIDs match exactly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction

from .models import Badge, KnownIssuer


def normalise_identity(identity: str) -> str:
    identity = identity.strip()
    return identity if identity.startswith("did:") else identity.lower().rstrip(".").removeprefix("www.")


def _candidates(identity: str) -> list[str]:
    """``badges.u-tokyo.ac.jp`` -> itself, ``u-tokyo.ac.jp``, ``ac.jp``… (most specific first)."""
    if not identity or identity.startswith("did:"):
        return [identity] if identity else []
    labels = identity.removeprefix("www.").split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


# Inside ``names_remembered()``: identity -> official name, so a batch of one issuer's badges asks once.
_remembered: ContextVar[dict[str, str] | None] = ContextVar("registered_names", default=None)


@contextmanager
def names_remembered() -> Iterator[None]:
    """Look each identity up once within this block (a re-verification batch: one transaction)."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def registered_name(identity: str) -> str:
    """The official name for a verified identity, or "" (one query; none for an identity already
    looked up inside ``names_remembered()``)."""
    remembered = _remembered.get()
    if remembered is not None and identity in remembered:
        return remembered[identity]
    candidates = _candidates(normalise_identity(identity))
    name = ""
    if candidates:
        found = dict(KnownIssuer.objects.filter(identity__in=candidates).values_list("identity", "official_name"))
        name = next((found[c] for c in candidates if c in found), "")
    if remembered is not None:
        remembered[identity] = name
    return name


def refresh_badges(identity: str) -> int:
    """Re-apply the registry to every badge proved to come from ``identity`` or its subdomains."""
    identity = normalise_identity(identity)
    if identity.startswith("did:"):
        badges = Badge.objects.filter(verified_issuer=identity)
    else:
        badges = Badge.objects.filter(verified_issuer=identity) | Badge.objects.filter(
            verified_issuer__endswith="." + identity
        )
    changed = 0
    for verified in set(badges.values_list("verified_issuer", flat=True)):
        changed += Badge.objects.filter(verified_issuer=verified).update(
            registered_issuer_name=registered_name(verified)
        )
    return changed


@dataclass
class CsvImport:
    created: int = 0
    updated: int = 0
    skipped: int = 0


def import_csv(text: str) -> CsvImport:
    """Rows of ``identity,official_name[,note]`` (a header row is optional). Max 10,000 rows."""
    outcome = CsvImport()
    rows = list(csv.reader(io.StringIO(text)))[:10_000]
    if rows and [cell.strip().lower() for cell in rows[0][:2]] in (["identity", "official_name"], ["domain", "name"]):
        rows = rows[1:]
    touched: list[str] = []
    with transaction.atomic():
        for row in rows:
            if len(row) < 2 or not row[0].strip() or not row[1].strip():
                outcome.skipped += 1
                continue
            identity = normalise_identity(row[0])[:300]
            _issuer, created = KnownIssuer.objects.update_or_create(
                identity=identity,
                defaults={
                    "official_name": row[1].strip()[:500],
                    "note": (row[2].strip() if len(row) > 2 else "")[:500],
                },
            )
            outcome.created += created
            outcome.updated += not created
            touched.append(identity)
        for identity in touched:
            refresh_badges(identity)
    return outcome
