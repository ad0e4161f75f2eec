"""JSON-LD for OB 3.0: bundled contexts only, RDFC-1.0 canonicalisation, and a "safe mode" check.

Every context is served from ``contexts/`` (``contexts/index.json`` maps URL -> file); anything
else raises ``UnsupportedError``, so pyld's default network loader never runs. pyld has no
JSON-LD safe mode, so ``undefined_terms`` emulates it: terms and types the contexts do not
define would otherwise be dropped silently before hashing, i.e. ride along unsigned.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld as pyld
from pyld.canon import URDNA2015

from .errors import BadgeFormatError, UnsupportedError
from .i18n import gettext_noop as _

CONTEXTS_DIR = Path(__file__).with_name("contexts")

# Relative IRIs are resolved against this base while expanding, so that any that survive can be
# spotted afterwards; ".invalid" (RFC 2606) can never be a real issuer's IRI.
_SENTINEL_BASE = "https://undefined-term.invalid/"


@cache
def _index() -> dict[str, str]:
    return json.loads((CONTEXTS_DIR / "index.json").read_text(encoding="utf-8"))


@cache
def _read(filename: str) -> Any:
    return json.loads((CONTEXTS_DIR / filename).read_text(encoding="utf-8"))


def _candidates(url: str) -> list[str]:
    variants = [url, url.rstrip("/"), url + "/"]
    if url.startswith("http://"):
        variants += ["https://" + v.removeprefix("http://") for v in variants]
    return variants


def bundled_filename(url: str) -> str | None:
    """The bundled file standing for ``url``, or None. ``bundled_filename("https://www.w3.org/ns/credentials/v2")``."""
    index = _index()
    return next((index[c] for c in _candidates(url) if c in index), None)


def load_context(url: str) -> Any:
    """A bundled context document (a fresh copy); ``UnsupportedError`` for any other URL.

    >>> load_context("https://www.w3.org/ns/credentials/v2")["@context"]["@protected"]
    True
    """
    filename = bundled_filename(url) if isinstance(url, str) else None
    if filename is None:
        raise UnsupportedError(_("The JSON-LD context {url} is not one we know."), url=str(url))
    return copy.deepcopy(_read(filename))


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that serves only bundled contexts. ``document_loader(url)["document"]``.

    The "static" tag tells pyld the document never changes, so each context is processed once per
    process and reused by every later operation instead of being resolved again each time.
    """
    return {"contextUrl": None, "documentUrl": url, "document": load_context(url), "tag": "static"}


def _context_urls(value: Any) -> list[str]:
    """Every context URL named anywhere in a document (top level and embedded ``@context``)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                for ctx in item if isinstance(item, list) else [item]:
                    if isinstance(ctx, str):
                        found.append(ctx)
                    else:
                        found += _context_urls(ctx)
            else:
                found += _context_urls(item)
    elif isinstance(value, list):
        for item in value:
            found += _context_urls(item)
    return found


def unknown_contexts(document: Any) -> list[str]:
    """Context URLs in ``document`` that are not bundled. ``unknown_contexts({"@context": "https://x"}) == ["https://x"]``."""
    return [url for url in _context_urls(document) if bundled_filename(url) is None]


def _options(**extra: Any) -> dict[str, Any]:
    return {"documentLoader": document_loader, **extra}


def _run(operation: Any, document: Any, **options: Any) -> Any:
    missing = unknown_contexts(document)
    if missing:
        raise UnsupportedError(_("The JSON-LD context {url} is not one we know."), url=missing[0])
    try:
        return operation(document, _options(**options))
    except pyld.JsonLdError as error:
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, UnsupportedError):
                raise cause from error
            cause = cause.__cause__ or getattr(cause, "cause", None)
        raise BadgeFormatError(
            _("The credential is not valid JSON-LD: {reason}."), reason=str(error).split("\n")[0]
        ) from error


def expand(document: Any) -> list[Any]:
    """Expand with bundled contexts only. ``expand(credential)[0]["@type"]``."""
    return _run(pyld.expand, document)


# RDFC-1.0 is exponential in the worst case: blank nodes that all look alike (same first-degree
# hash) make the n-degree step try every permutation of them, recursively. A real credential has
# a handful of blank nodes with distinct hashes and needs a few dozen of these steps; a 2 kB
# "poison graph" of 8 interlinked blank nodes needs millions (real credentials in the corpus: < 20). The budget counts the two steps
# whose count the cost follows, and refuses the document as soon as it runs out.
CANONICALISATION_BUDGET = 1_000


class CanonicalisationTooCostly(BadgeFormatError):
    """The document's blank nodes would take too much work to canonicalise (a poison graph)."""

    code = "too_complex"


class _BudgetedURDNA2015(URDNA2015):
    def __init__(self, budget: int) -> None:
        super().__init__()
        self.remaining = budget

    def _spend(self) -> None:
        self.remaining -= 1
        if self.remaining < 0:
            raise CanonicalisationTooCostly(
                _("The credential's structure is too complex to check (its blank nodes need too much work).")
            )

    def hash_n_degree_quads(self, id_, issuer):
        self._spend()
        return super().hash_n_degree_quads(id_, issuer)

    def hash_related_blank_node(self, related, quad, issuer, position):
        self._spend()
        return super().hash_related_blank_node(related, quad, issuer, position)


def _canonize_within_budget(document: Any, options: dict[str, Any]) -> str:
    options = dict(options)
    budget = options.pop("budget")
    dataset = pyld.to_rdf(document, {**options, "produceGeneralizedRdf": False})
    return _BudgetedURDNA2015(budget).main(dataset, {"format": "application/n-quads"})


def canonize(document: Any, *, budget: int | None = None) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of ``document``, contexts from the bundle only.

    Raises ``CanonicalisationTooCostly`` (a ``BadgeFormatError``) when the blank nodes would need
    more than ``budget`` hashing steps (default ``CANONICALISATION_BUDGET``).

    >>> canonize({"@context": {"@vocab": "https://e.org/"}, "@id": "urn:x", "n": "1"})
    '<urn:x> <https://e.org/n> "1" .\\n'
    """
    return _run(_canonize_within_budget, document, budget=CANONICALISATION_BUDGET if budget is None else budget)


def undefined_terms(document: Any) -> list[str]:
    """Terms and types in ``document`` the contexts do not define ("safe mode", empty if none).

    >>> undefined_terms({"@context": {"name": "https://schema.org/name"}, "nmae": "x"})
    ['nmae']
    """
    return Analysis(document).undefined_terms()


class Analysis:
    """One JSON-LD document, expanded once: its undefined terms and its canonical form from the same pass.

    Verifying a Data Integrity proof needs both the "safe mode" check and RDFC-1.0 of the same
    document; each used to expand it again. Here the expansion (with dropped-term detection) runs
    once and the canonical N-Quads are built from its result. When the document holds relative
    IRIs (the check's sentinel base would show in the output), canonicalisation falls back to the
    plain path (``canonize``), so the canonical form is always exactly what ``pyld.normalize``
    gives. Both paths run under the canonicalisation work budget.

    >>> doc = {"@context": {"@vocab": "https://e.org/"}, "@id": "urn:x", "n": "1"}
    >>> analysis = Analysis(doc)
    >>> analysis.undefined_terms(), analysis.canonize() == canonize(doc)
    ([], True)
    """

    def __init__(self, document: Any) -> None:
        self.document = document
        self._problems: list[str] | None = None
        self._expanded: Any = None
        self._canonical: str | None = None

    @classmethod
    def known(cls, document: Any, canonical: str) -> Analysis:
        """The analysis of a document already known to have no undefined terms and this canonical form
        (``proof_shapes`` answers proof options this way)."""
        analysis = cls(document)
        analysis._problems, analysis._canonical = [], canonical
        return analysis

    def undefined_terms(self) -> list[str]:
        if self._problems is None:
            self._expand()
        assert self._problems is not None
        return self._problems

    def canonize(self) -> str:
        if self._canonical is None:
            if self._problems is None:
                self._expand()
            canonical = None
            if not self._problems and self._expanded is not None:
                canonical = _canonize_expanded(self._expanded)
                self._expanded = None  # consumed (pyld's node map works on it in place)
            if canonical is None or _SENTINEL_BASE in canonical:
                canonical = canonize(self.document)
            self._canonical = canonical
        return self._canonical

    def _expand(self) -> None:
        missing = unknown_contexts(self.document)
        if missing:
            raise UnsupportedError(_("The JSON-LD context {url} is not one we know."), url=missing[0])
        dropped: list[str] = []
        try:
            expanded = pyld.expand(
                self.document,
                _options(base=_SENTINEL_BASE),
                on_property_dropped=lambda term: dropped.append(str(term)),
            )
        except pyld.JsonLdError as error:
            raise BadgeFormatError(
                _("The credential is not valid JSON-LD: {reason}."), reason=str(error).split("\n")[0]
            ) from error
        problems = list(dict.fromkeys(dropped))
        _collect_relative(expanded, problems)
        self._problems, self._expanded = problems, expanded


def _canonicaliser() -> Any:
    """The RDFC-1.0 (URDNA2015) implementation of the one-expansion path, under the same work
    budget as ``canonize`` (a poison graph is refused here too)."""
    return _BudgetedURDNA2015(CANONICALISATION_BUDGET)


def _canonize_expanded(expanded: Any) -> str | None:
    """RDFC-1.0 N-Quads from an already expanded document: the second half of ``pyld.normalize``
    (to RDF, then URDNA2015) without expanding again. None if pyld refuses it (the caller then
    takes the plain path, which reports the error as usual)."""
    processor = pyld.JsonLdProcessor()
    options = _options(
        base="",
        algorithm="URDNA2015",
        format="application/n-quads",
        produceGeneralizedRdf=False,
        processingMode="json-ld-1.1",
        rdfDirection=None,
    )
    issuer = pyld.IdentifierIssuer("_:b")
    try:
        node_map: dict[str, Any] = {"@default": {}}
        processor._create_node_map(expanded, node_map, "@default", issuer)
        dataset = {
            name: processor._graph_to_rdf(graph, issuer, options)
            for name, graph in sorted(node_map.items())
            if name == "@default" or pyld._is_absolute_iri(name)
        }
        return _canonicaliser().main(dataset, options)
    except (pyld.JsonLdError, KeyError, TypeError, ValueError):
        return None


def _unresolved(iri: Any) -> str | None:
    """The term behind an IRI that RDF would drop: one resolved against the sentinel base, or one
    left relative (an inline context's ``"@base": null`` stops resolution). None if it is fine."""
    if not isinstance(iri, str) or iri.startswith("@"):
        return None
    if iri.startswith(_SENTINEL_BASE):
        return iri.removeprefix(_SENTINEL_BASE)
    return None if pyld._is_absolute_iri(iri) else iri


def _collect_relative(node: Any, problems: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _collect_relative(item, problems)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        term = _unresolved(key)
        if term is not None and term not in problems:
            problems.append(term)
        if key in ("@type", "@id"):
            for iri in value if isinstance(value, list) else [value]:
                term = _unresolved(iri)
                if term is not None and term not in problems:
                    problems.append(term)
        elif key != "@value":  # a literal: a JSON literal's ("@json") keys are data, not terms
            _collect_relative(value, problems)
