"""pyld against pyoxigraph (native RDFC-1.0) on the shared vectors and the project's OB 3.0 fixtures.

    .venv/bin/python benchmarks/rdfc_compare.py [--corpus ../shared/corpus]

For every JSON-LD document (each credential without its proof, and each proof's options with the
credential's contexts) it computes the RDFC-1.0 canonical N-Quads three ways and checks they agree
byte for byte: pyld's normalize (the reference path), Manabi's one-expansion path
(``jsonld.Analysis``) and pyoxigraph's RDFC_1_0 over the same RDF dataset. It prints the count of
agreements, every disagreement, and the median time of the canonicalisation step of each.
pyoxigraph has no JSON-LD document loader, so it canonicalises the dataset pyld produced; only the
canonicalisation step is compared. Not a test: tests/openbadges/test_rdfc_agreement.py pins the
agreement on the vectors.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from badges.openbadges import jsonld  # noqa: E402
from badges.openbadges.errors import OpenBadgesError  # noqa: E402


def documents(corpus: Path | None):
    """(name, JSON-LD document) for every credential and proof options found."""
    roots = [ROOT / "tests" / "fixtures" / "ob3"]
    if corpus is not None:
        roots.append(corpus / "vectors")
    for root in roots:
        for path in sorted(root.rglob("*.json")):
            try:
                data = json.loads(path.read_text())
            except (ValueError, UnicodeDecodeError):
                continue
            yield from split(path.relative_to(root.parent).as_posix(), data)


def split(name: str, data):
    if isinstance(data, dict) and "unsigned_credential" in data:  # the 1EdTech vector file
        yield f"{name}#credential", data["unsigned_credential"]
        yield f"{name}#proof", data["proof_options"]
        return
    if not isinstance(data, dict) or "@context" not in data:
        return
    yield name, {k: v for k, v in data.items() if k != "proof"}
    proofs = data.get("proof")
    for n, proof in enumerate(proofs if isinstance(proofs, list) else [proofs] if proofs else []):
        if isinstance(proof, dict):
            options = {k: v for k, v in proof.items() if k != "proofValue"}
            options["@context"] = data["@context"]
            yield f"{name}#proof{n}", options


def pyoxigraph_canonical(document) -> str:
    import pyoxigraph as ox
    from pyld import jsonld as pyld

    nquads = pyld.to_rdf(document, {"documentLoader": jsonld.document_loader, "format": "application/n-quads"})
    dataset = ox.Dataset(ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).decode().splitlines()
    return "".join(sorted(line + "\n" for line in lines if line))


def timed(work) -> tuple[object, float]:
    started = time.perf_counter()
    value = work()
    return value, (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    corpus = args.corpus if args.corpus.exists() else None
    agree = disagree = skipped = 0
    times: dict[str, list[float]] = {"pyld normalize": [], "one expansion": [], "pyoxigraph": []}
    for name, doc in documents(corpus):
        try:
            reference, t_ref = timed(lambda d=doc: jsonld.canonize(d))
            ours, t_ours = timed(lambda d=doc: jsonld.Analysis(d).canonize())
        except OpenBadgesError:
            skipped += 1  # unknown context or not JSON-LD: verification refuses these anyway
            continue
        native, t_native = timed(lambda d=doc: pyoxigraph_canonical(d))
        times["pyld normalize"].append(t_ref)
        times["one expansion"].append(t_ours)
        times["pyoxigraph"].append(t_native)
        if reference == ours == native:
            agree += 1
        else:
            disagree += 1
            print(
                f"DISAGREE {name}: one-expansion {'ok' if ours == reference else 'differs'}, "
                f"pyoxigraph {'ok' if native == reference else 'differs'}"
            )
    print(
        f"documents: {agree + disagree} compared, {agree} agree byte for byte, {disagree} disagree, "
        f"{skipped} refused (unknown context)"
    )
    for label, samples in times.items():
        if samples:
            print(f"{label:<16} median {statistics.median(samples):7.2f} ms")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
