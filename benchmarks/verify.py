"""Badges verified per second, by kind, against a real issuer server on 127.0.0.1.

    .venv/bin/python benchmarks/verify.py            # full run, about a minute
    .venv/bin/python benchmarks/verify.py --quick    # fewer seconds per row, for a smoke test
    .venv/bin/python benchmarks/verify.py --instructions-only   # just the callgrind counts (~1 min)

Every row runs ``badges.openbadges.verification.verify()`` end to end (unbaking, parsing, every
check) with the real ``SafeFetcher`` talking HTTP to a local ``IssuerServer``, exactly as the
wallet does; only the network is local. See benchmarks/README.md for what the figures mean.
No Django, no database: the core and the fetcher are framework-free.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from badges.fetch import SafeFetcher  # noqa: E402
from badges.openbadges import baking, jsonld  # noqa: E402
from badges.openbadges.data_integrity import VERIFIED_PROOFS, data_integrity_hash  # noqa: E402
from badges.openbadges.model import Identity  # noqa: E402
from badges.openbadges.result import Status  # noqa: E402
from badges.openbadges.verification import verify  # noqa: E402
from tests.support.document_cache import InMemoryDocumentCache  # noqa: E402
from tests.support.hosted import HostedBadge, plain_png  # noqa: E402
from tests.support.issuer_server import IssuerServer  # noqa: E402
from tests.support.signed import DidKeyIssuer, SignedOb2Issuer  # noqa: E402

NOW = datetime(2026, 6, 1, tzinfo=UTC)
HANA = (Identity("email", "hana@example.org"),)


def no_dns(host: str) -> list[str]:
    raise OSError(f"the benchmark resolves no names ({host})")


def fetcher(*, cached: bool) -> SafeFetcher:
    cache = InMemoryDocumentCache() if cached else None
    return SafeFetcher(allow_hosts={"127.0.0.1"}, resolver=no_dns, cache=cache, connect_timeout=2, total_timeout=10)


def rate(work: Callable[[], object], *, seconds: float, min_runs: int = 5) -> tuple[float, int, float]:
    """(operations per second, runs, median ms per run) of ``work`` over about ``seconds``."""
    work()  # warm up: imports, JSON-LD context parsing, the first cache fill
    durations: list[float] = []
    started = time.perf_counter()
    while len(durations) < min_runs or time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        work()
        durations.append(time.perf_counter() - t0)
    total = sum(durations)
    return len(durations) / total, len(durations), statistics.median(durations) * 1000


def verifying(data: bytes | str, fetch, *, remember_proofs: bool = False) -> Callable[[], object]:
    """One full verify per call; with ``remember_proofs`` a re-check of an unchanged credential
    (the proof memo answers, as for the daily re-check of a stored badge)."""

    def work() -> object:
        if not remember_proofs:
            VERIFIED_PROOFS.clear()
        result = verify(data, fetch=fetch, now=NOW, identities=HANA)
        if result.status is not Status.VALID:
            raise SystemExit(f"benchmark badge did not verify: {[c.as_dict() for c in result.checks]}")
        return result

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="time per row (default 4)")
    parser.add_argument("--quick", action="store_true", help="1 second per row")
    parser.add_argument("--instructions-only", action="store_true", help="only the callgrind instruction counts")
    parser.add_argument("--callgrind-child", nargs=2, metavar=("KIND", "RUNS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.callgrind_child:
        callgrind_child(args.callgrind_child[0], int(args.callgrind_child[1]))
        return
    if args.instructions_only:
        instructions()
        return
    seconds = 1.0 if args.quick else args.seconds

    server = IssuerServer().start()
    try:
        rows = run_rows(server, seconds)
    finally:
        server.stop()

    print(
        f"Manabi verify() benchmark — Python {platform.python_version()}, {platform.machine()}, "
        f"{seconds:g} s per row, issuer on 127.0.0.1 (HTTP)"
    )
    print()
    width = max(len(name) for name, *_ in rows)
    print(f"{'kind':<{width}}  {'badges/s':>9}  {'median ms':>9}  {'runs':>5}  HTTP requests per badge")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 9}  {'-' * 5}  {'-' * 24}")
    for name, per_second, runs, median_ms, requests in rows:
        print(f"{name:<{width}}  {per_second:>9.1f}  {median_ms:>9.2f}  {runs:>5}  {requests}")
    print()
    canonicalisation(seconds)
    print()
    suites(seconds)
    print()
    verify_now_answer(seconds)
    print()
    instructions()


def run_rows(server: IssuerServer, seconds: float) -> list[tuple[str, float, int, float, str]]:
    hosted = HostedBadge(server).publish()
    signed_issuer = SignedOb2Issuer(server).publish()
    did_issuer = DidKeyIssuer(server).publish()
    token = signed_issuer.token()
    di_with_status = did_issuer.data_integrity(index=5)
    di_plain = did_issuer.data_integrity(index=None)
    jwt_with_status = did_issuer.vc_jwt(index=6)
    jwt_plain = did_issuer.vc_jwt(index=None)
    baked = baking.bake_png(plain_png(size=256), di_with_status)

    cases: list[tuple[str, bytes | str, bool]] = [
        ("2.0 hosted, baked PNG (no cache)", hosted.baked_png(), False),
        ("2.0 hosted, baked PNG (InMemoryDocumentCache)", hosted.baked_png(), True),
        ("2.0 hosted, pasted URL (no cache)", hosted.assertion_url, False),
        ("2.0 signed RS256 (no cache)", token, False),
        ("2.0 signed RS256 (InMemoryDocumentCache)", token, True),
        ("3.0 eddsa-rdfc-2022, no status", di_plain, False),
        ("3.0 eddsa-rdfc-2022 + status list (no cache)", di_with_status, False),
        ("3.0 eddsa-rdfc-2022 + status list (cache)", di_with_status, True),
        ("3.0 VC-JWT EdDSA, no status", jwt_plain, False),
        ("3.0 VC-JWT EdDSA + status list (no cache)", jwt_with_status, False),
        ("3.0 VC-JWT EdDSA + status list (cache)", jwt_with_status, True),
    ]
    rows = []
    for name, data, cached in cases:
        fetch = fetcher(cached=cached)
        per_second, runs, median_ms = rate(verifying(data, fetch), seconds=seconds)
        requests = fetch.requests_made / (runs + 1)  # +1: the warm-up run
        rows.append((name, per_second, runs, median_ms, f"{requests:.2f}"))

    def unbake() -> object:
        return baking.extract(baked)

    per_second, runs, median_ms = rate(unbake, seconds=seconds)
    rows.append((f"unbake PNG (256x256, {len(baked) // 1024} KB, 3.0 credential)", per_second, runs, median_ms, "0"))
    return rows


def canonicalisation(seconds: float) -> None:
    """RDF Dataset Canonicalization (URDNA2015 via pyld) of one OB 3.0 credential: the slow part of 3.0."""
    server = IssuerServer()  # never started: only URLs are needed to build documents
    issuer = DidKeyIssuer(server)
    signed = json.loads(issuer.data_integrity(index=5))
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    proof = dict(signed["proof"])

    def timed(work: Callable[[], object]) -> list[float]:
        work()
        samples: list[float] = []
        started = time.perf_counter()
        while len(samples) < 20 or time.perf_counter() - started < seconds:
            t0 = time.perf_counter()
            work()
            samples.append((time.perf_counter() - t0) * 1000)
        return samples

    measures = [
        ("canonize(credential)", timed(lambda: jsonld.canonize(unsigned))),
        ("canonize(proof options)", timed(lambda: jsonld.canonize({**proof, "@context": unsigned["@context"]}))),
        ("undefined_terms(credential)", timed(lambda: jsonld.undefined_terms(unsigned))),
        ("data_integrity_hash (both + sha256)", timed(lambda: data_integrity_hash(unsigned, proof))),
    ]
    print(
        "Canonicalisation per credential (ms, one OB 3.0 OpenBadgeCredential, "
        f"{len(json.dumps(unsigned))} bytes of JSON)"
    )
    width = max(len(name) for name, _ in measures)
    print(f"{'step':<{width}}  {'min':>7}  {'median':>7}  {'runs':>5}")
    print(f"{'-' * width}  {'-' * 7}  {'-' * 7}  {'-' * 5}")
    for name, samples in measures:
        print(f"{name:<{width}}  {min(samples):>7.2f}  {statistics.median(samples):>7.2f}  {len(samples):>5}")


def _timed(work: Callable[[], object], seconds: float, *, min_runs: int = 20) -> list[float]:
    work()
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < min_runs or time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        work()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def suites(seconds: float) -> None:
    """ms per credential for each Data Integrity suite, side by side in one run (did:key, no status list:
    only the proof's cost differs)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from badges.openbadges import signing
    from badges.openbadges.fetching import DictFetch
    from badges.openbadges.ob3 import verify_ob3
    from tests.support import sd_issuer

    def signed(suite: str, curve: ec.EllipticCurve | None = None) -> str:
        if suite.startswith("eddsa"):
            key, did = signing.generate_ed25519_did_key()
        else:
            key, did = signing.generate_ec_did_key(curve or ec.SECP256R1())
        credential = signing.build_credential(issuer=did)
        method = signing.did_key_method(did)
        if suite.startswith("ecdsa-sd-2023"):
            pointers = ["/issuer", "/validFrom", "/credentialSubject/achievement"]
            base = sd_issuer.sign_base(
                credential, private_key=key, verification_method=method, mandatory_pointers=pointers
            )
            if "derived" in suite:
                base = sd_issuer.derive(base, selective_pointers=["/credentialSubject/id"])
            return json.dumps(base)
        return json.dumps(
            signing.sign_with_suite(credential, cryptosuite=suite, private_key=key, verification_method=method)
        )

    cases = [
        ("eddsa-rdfc-2022", signed("eddsa-rdfc-2022")),
        ("ecdsa-rdfc-2019 P-256", signed("ecdsa-rdfc-2019")),
        ("ecdsa-sd-2023 derived", signed("ecdsa-sd-2023 derived")),
        ("ecdsa-rdfc-2019 P-384", signed("ecdsa-rdfc-2019", ec.SECP384R1())),
        ("ecdsa-sd-2023 base", signed("ecdsa-sd-2023")),
        ("ecdsa-jcs-2019 P-256", signed("ecdsa-jcs-2019")),
        ("eddsa-jcs-2022", signed("eddsa-jcs-2022")),
    ]
    print("Proof suites: verify_ob3 per credential (ms; did:key, no status list, no network)")
    width = max(len(name) for name, _ in cases)
    print(f"{'suite':<{width}}  {'min':>7}  {'median':>7}  {'runs':>5}")
    print(f"{'-' * width}  {'-' * 7}  {'-' * 7}  {'-' * 5}")
    for name, payload in cases:

        def work(payload: str = payload, name: str = name) -> object:
            result = verify_ob3(payload, fetch=DictFetch(), now=NOW)
            if result.status is not Status.VALID:
                raise SystemExit(f"{name} did not verify: {[c.as_dict() for c in result.checks]}")
            return result

        samples = _timed(work, seconds / 2)
        print(f"{name:<{width}}  {min(samples):>7.2f}  {statistics.median(samples):>7.2f}  {len(samples):>5}")


def verify_now_answer(seconds: float) -> None:
    """The verification a viewer's "Verify now" runs (3.0 eddsa-rdfc-2022 badge with a status list, key
    and list over HTTP from 127.0.0.1): with a fresh document cache, and with a warm one. The page's
    own database work (one Verification row, the badge update) is not included."""
    from badges.openbadges.ob3 import VERIFIED_LISTS

    server = IssuerServer().start()
    try:
        issuer = DidKeyIssuer(server).publish()
        payload = issuer.data_integrity(index=5)

        def fresh() -> object:
            VERIFIED_LISTS.clear()  # nothing remembered between viewers' checks either
            return verifying(payload, fetcher(cached=True))()

        warm_fetch = fetcher(cached=True)
        rows = [
            ("fresh cache", _timed(fresh, seconds / 2)),
            ("warm cache", _timed(verifying(payload, warm_fetch), seconds / 2)),
        ]
    finally:
        server.stop()
    print('"Verify now": the check it runs (ms)')
    print(f"{'cache':<12}  {'min':>7}  {'median':>7}  {'runs':>5}")
    print(f"{'-' * 12}  {'-' * 7}  {'-' * 7}  {'-' * 5}")
    for name, samples in rows:
        print(f"{name:<12}  {min(samples):>7.2f}  {statistics.median(samples):>7.2f}  {len(samples):>5}")


# ---------------------------------------------------------------------------------------------
# Instructions per verify (callgrind): noise-free, unlike times on a shared machine
# ---------------------------------------------------------------------------------------------

INSTRUCTION_KINDS = {
    "3.0 eddsa-rdfc-2022, no status": "di",
    "3.0 eddsa-rdfc-2022 re-check, unchanged": "di-again",
    "3.0 VC-JWT EdDSA, no status": "jwt",
}


def callgrind_child(kind: str, runs: int) -> None:
    """Under callgrind: build one credential, verify it twice (warm-up), then ``runs`` more times."""
    from badges.openbadges.fetching import DictFetch

    issuer = DidKeyIssuer(IssuerServer())  # never started: did:key needs no network
    data = issuer.vc_jwt(index=None) if kind == "jwt" else issuer.data_integrity(index=None)
    work = verifying(data, DictFetch(), remember_proofs=kind == "di-again")
    for _ in range(2 + runs):
        work()


def count_instructions(kind: str, runs: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={os.path.join(tmp, 'out')}",
                sys.executable,
                __file__,
                "--callgrind-child",
                kind,
                str(runs),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    match = re.search(r"Collected : (\d+)", out.stderr)
    if match is None:
        raise SystemExit(f"callgrind printed no total: {out.stderr[-500:]}")
    return int(match.group(1))


def instructions(runs: int = 3) -> None:
    """Instructions per verify = (process with 2 + runs verifies − process with 2) / runs."""
    if shutil.which("valgrind") is None:
        print("Instructions per verify: valgrind is not installed (apt-get install valgrind)")
        return
    print(f"Instructions per verify (callgrind, {runs} warm verifies minus none, did:key, no network)")
    for name, kind in INSTRUCTION_KINDS.items():
        per_verify = (count_instructions(kind, runs) - count_instructions(kind, 0)) / runs
        print(f"{name:<34}  {per_verify / 1e6:8.1f} M instructions")


if __name__ == "__main__":
    main()
