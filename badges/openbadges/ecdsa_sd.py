"""``ecdsa-sd-2023``: selective-disclosure ECDSA proofs (W3C VC Data Integrity ECDSA, P-256).

An issuer signs a *base proof*: every canonical N-Quad of the credential is either mandatory
(hashed together under the issuer's signature) or signed one by one with a fresh per-proof key.
Blank-node labels are replaced by HMAC-derived ones so that what a holder later hides cannot be
guessed from them. A holder keeps the base proof and presents *derived proofs* that reveal a
subset; a derived proof carries the signatures of the revealed statements only, plus the label map
and the positions of the mandatory statements.

A wallet meets both: the issuer hands the learner a base proof (the wallet is the holder), and a
credential shown by another holder carries a derived one. ``verify`` checks either form; the
grouping helpers are shared with the test issuer (``tests/support/ecdsa_sd.py``).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.hazmat.primitives.asymmetric import ec
from pyld import jsonld as pyld

from . import ecdsa, jsonld
from .errors import BadgeFormatError
from .i18n import gettext_noop as _

BASE_HEADER = b"\xd9\x5d\x00"
DERIVED_HEADER = b"\xd9\x5d\x01"
_P256_MULTIKEY = b"\x80\x24"
_SKOLEM = "urn:bnid:"
_MAX_STATEMENTS = 10_000  # a credential with more N-Quads than this is not a badge anybody issues


@dataclass(frozen=True)
class BaseProof:
    base_signature: bytes
    public_key: bytes  # multicodec-prefixed compressed P-256 point of the per-proof key
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]


@dataclass(frozen=True)
class DerivedProof:
    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: dict[str, str]  # canonical label (c14nN) -> HMAC label (u…)
    mandatory_indexes: list[int]


def _malformed() -> BadgeFormatError:
    return BadgeFormatError(_("The ecdsa-sd-2023 proof value is malformed."))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_proof_value(value: str) -> BaseProof | DerivedProof:
    """The CBOR structure inside a ``u``-multibase proof value; ``BadgeFormatError`` if it is not one.

    >>> parse_proof_value("u" + _b64url(BASE_HEADER + cbor2.dumps([b"s", b"k", b"h", [], []]))).hmac_key
    b'h'
    """
    try:
        raw = _unb64url(value[1:]) if value.startswith("u") else b""
        header, body = raw[:3], raw[3:]
        if header not in (BASE_HEADER, DERIVED_HEADER):
            raise _malformed()
        items = cbor2.loads(body)
    except (ValueError, cbor2.CBORDecodeError) as exc:
        raise _malformed() from exc
    if not isinstance(items, list) or len(items) != 5:
        raise _malformed()
    if header == BASE_HEADER:
        signature, public_key, hmac_key, signatures, pointers = items
        if not (
            _all_bytes([signature, public_key, hmac_key], signatures)
            and isinstance(pointers, list)
            and all(isinstance(p, str) for p in pointers)
        ):
            raise _malformed()
        return BaseProof(signature, public_key, hmac_key, list(signatures), list(pointers))
    signature, public_key, signatures, compressed, indexes = items
    if not (
        _all_bytes([signature, public_key], signatures)
        and isinstance(compressed, dict)
        and all(isinstance(k, int) and isinstance(v, bytes) for k, v in compressed.items())
        and isinstance(indexes, list)
        and all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in indexes)
    ):
        raise _malformed()
    label_map = {f"c14n{k}": "u" + _b64url(v) for k, v in compressed.items()}
    return DerivedProof(signature, public_key, list(signatures), label_map, list(indexes))


def _all_bytes(values: list[Any], signatures: Any) -> bool:
    return (
        all(isinstance(v, bytes) for v in values)
        and isinstance(signatures, list)
        and all(isinstance(s, bytes) for s in signatures)
    )


def serialize_base(proof: BaseProof) -> str:
    items = [proof.base_signature, proof.public_key, proof.hmac_key, proof.signatures, proof.mandatory_pointers]
    return "u" + _b64url(BASE_HEADER + cbor2.dumps(items))


def serialize_derived(proof: DerivedProof) -> str:
    compressed = {int(k.removeprefix("c14n")): _unb64url(v[1:]) for k, v in proof.label_map.items()}
    items = [proof.base_signature, proof.public_key, proof.signatures, compressed, proof.mandatory_indexes]
    return "u" + _b64url(DERIVED_HEADER + cbor2.dumps(items))


def proof_key(public_key: bytes) -> ec.EllipticCurvePublicKey:
    if public_key[:2] != _P256_MULTIKEY or len(public_key) != 35:
        raise _malformed()
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public_key[2:])
    except ValueError as exc:
        raise _malformed() from exc


def hmac_labeller(hmac_key: bytes) -> Callable[[str], str]:
    """Canonical label (``c14n0``) -> HMAC label (``u`` + base64url of HMAC-SHA-256 of the label)."""

    def label(canonical: str) -> str:
        return "u" + _b64url(hmac.new(hmac_key, canonical.encode(), hashlib.sha256).digest())

    return label


# ---------------------------------------------------------------------------------------------
# Verification


def verify(
    unsigned: dict[str, Any], options: dict[str, Any], value: str, issuer_key: ec.EllipticCurvePublicKey
) -> bool:
    """Does the base or derived proof ``value`` verify for ``unsigned`` (the credential without ``proof``)?

    ``options`` is the proof without ``proofValue``. ``BadgeFormatError`` when the proof value or
    the document cannot be read; False when a signature does not match.
    """
    proof = parse_proof_value(value)
    if issuer_key.curve.name != "secp256r1":
        return False
    proof_hash = hashlib.sha256(jsonld.canonize({**options, "@context": unsigned.get("@context")}).encode()).digest()
    if isinstance(proof, DerivedProof):
        statements = relabel(jsonld.canonize(unsigned), proof.label_map)
        indexes = set(proof.mandatory_indexes)
        if any(i >= len(statements) for i in indexes):
            return False
        mandatory = [q for i, q in enumerate(statements) if i in indexes]
        optional = [q for i, q in enumerate(statements) if i not in indexes]
    else:
        groups = canonicalize_and_group(
            unsigned, hmac_labeller(proof.hmac_key), {"mandatory": proof.mandatory_pointers}
        )
        mandatory, optional = groups["mandatory"].matching, groups["mandatory"].non_matching
    return statements_verify(issuer_key, proof_hash, proof, mandatory=mandatory, optional=optional)


def statements_verify(
    issuer_key: ec.EllipticCurvePublicKey,
    proof_hash: bytes,
    proof: BaseProof | DerivedProof,
    *,
    mandatory: list[str],
    optional: list[str],
) -> bool:
    """The issuer signed proof hash ‖ per-proof key ‖ hash(mandatory), and the per-proof key each optional statement."""
    if len(optional) != len(proof.signatures):
        return False
    mandatory_hash = hashlib.sha256("".join(mandatory).encode()).digest()
    if not ecdsa.verify_raw(issuer_key, proof.base_signature, proof_hash + proof.public_key + mandatory_hash):
        return False
    ephemeral = proof_key(proof.public_key)
    return all(ecdsa.verify_raw(ephemeral, s, q.encode()) for s, q in zip(proof.signatures, optional, strict=True))


# ---------------------------------------------------------------------------------------------
# Canonical statements, relabelled, and grouped by JSON pointers


def relabel(canonical_nquads: str, label_map: dict[str, str]) -> list[str]:
    """Canonical N-Quads with their ``_:c14nN`` labels replaced through ``label_map``, sorted."""
    dataset = pyld.parse_nquads(canonical_nquads)
    lines = []
    for graph, triples in dataset.items():
        for triple in triples:
            quad = _with_graph(triple, graph)
            for key, component in quad.items():
                if key != "predicate" and component["type"] == "blank node":
                    label = component["value"].removeprefix("_:")
                    if label not in label_map:
                        raise BadgeFormatError(
                            _("The ecdsa-sd-2023 proof does not map the blank node {label}."), label=label
                        )
                    component["value"] = "_:" + label_map[label]
            lines.append(pyld.serialize_nquad(quad))
    if len(lines) > _MAX_STATEMENTS:
        raise BadgeFormatError(_("The credential is too large to check."))
    return sorted(lines)


def _with_graph(triple: dict[str, Any], graph: str) -> dict[str, Any]:
    quad = copy.deepcopy(triple)
    if graph != "@default":
        quad["name"] = {"type": "blank node" if graph.startswith("_:") else "IRI", "value": graph}
    return quad


@dataclass(frozen=True)
class Group:
    matching: list[str]  # relabelled canonical statements the pointers select, in canonical order
    non_matching: list[str]
    matching_indexes: list[int]  # their positions among all the document's statements


@dataclass(frozen=True)
class Grouped:
    statements: list[str]  # every relabelled canonical statement, sorted
    labels: dict[str, str]  # input blank node label -> HMAC label
    canonical_ids: dict[str, str]  # input blank node label -> canonical label (c14nN)
    groups: dict[str, Group]

    def __getitem__(self, name: str) -> Group:
        return self.groups[name]


def canonicalize_and_group(
    document: dict[str, Any], labeller: Callable[[str], str], pointer_groups: dict[str, Iterable[str]]
) -> Grouped:
    """Split the document's statements by which JSON pointers select them (the suite's grouping step).

    Blank nodes are skolemised first, so the statements a selection yields can be matched to the
    full document's statements whatever labels canonicalisation gives each.
    """
    try:
        expanded = pyld.expand(document, {"documentLoader": jsonld.document_loader})
        skolemized = _skolemize(expanded, iter(range(1_000_000)))
        compact = pyld.compact(
            skolemized, {"@context": document.get("@context")}, {"documentLoader": jsonld.document_loader}
        )
        statements_in = _deskolemized_nquads(skolemized)
    except pyld.JsonLdError as error:
        raise BadgeFormatError(
            _("The credential is not valid JSON-LD: {reason}."), reason=str(error).split("\n")[0]
        ) from error
    canonical, canonical_ids = canonical_with_ids(statements_in)
    labels = {inp: labeller(c.removeprefix("_:")) for inp, c in canonical_ids.items()}
    statements = relabel(canonical, {c.removeprefix("_:"): labels[inp] for inp, c in canonical_ids.items()})
    groups: dict[str, Group] = {}
    for name, pointers in pointer_groups.items():
        selection = select_json_ld(list(pointers), compact)
        selected: set[str] = set()
        if selection is not None:
            try:
                nquads = _deskolemized_nquads(pyld.expand(selection, {"documentLoader": jsonld.document_loader}))
            except pyld.JsonLdError as error:
                raise BadgeFormatError(
                    _("The ecdsa-sd-2023 proof selects what the credential does not hold.")
                ) from error
            selected = set(_relabel_input(nquads, labels))
        indexes = [i for i, q in enumerate(statements) if q in selected]
        chosen = set(indexes)
        groups[name] = Group(
            matching=[statements[i] for i in indexes],
            non_matching=[q for i, q in enumerate(statements) if i not in chosen],
            matching_indexes=indexes,
        )
    return Grouped(
        statements, labels, {k.removeprefix("_:"): v.removeprefix("_:") for k, v in canonical_ids.items()}, groups
    )


def canonical_with_ids(nquads: str) -> tuple[str, dict[str, str]]:
    """RDFC-1.0 of an N-Quads text, plus which canonical label each input blank node got."""
    # The same work budget as every other canonicalisation: a poison graph is refused, not computed.
    algorithm = jsonld._BudgetedURDNA2015(jsonld.CANONICALISATION_BUDGET)
    canonical = algorithm.main(pyld.parse_nquads(nquads), {"format": "application/n-quads"})
    return canonical, {k.removeprefix("_:"): v for k, v in algorithm.canonical_issuer.existing.items()}


def _relabel_input(nquads: str, labels: dict[str, str]) -> list[str]:
    dataset = pyld.parse_nquads(nquads)
    lines = []
    for graph, triples in dataset.items():
        for triple in triples:
            quad = _with_graph(triple, graph)
            for key, component in quad.items():
                if key != "predicate" and component["type"] == "blank node":
                    label = component["value"].removeprefix("_:")
                    component["value"] = "_:" + labels.get(label, label)
            lines.append(pyld.serialize_nquad(quad))
    return lines


def _skolemize(value: Any, counter: Iterable[int]) -> Any:
    """Give every blank node of an expanded document an ``urn:bnid:`` IRI."""
    if isinstance(value, list):
        return [_skolemize(item, counter) for item in value]
    if not isinstance(value, dict) or "@value" in value:
        return value
    node = {k: _skolemize(v, counter) for k, v in value.items()}
    if "@list" in node or "@set" in node:
        return node
    node_id = node.get("@id")
    if node_id is None:
        node["@id"] = f"{_SKOLEM}b{next(iter(counter))}"
    elif isinstance(node_id, str) and node_id.startswith("_:"):
        node["@id"] = _SKOLEM + node_id[2:]
    return node


def _deskolemized_nquads(expanded: Any) -> str:
    dataset = pyld.to_rdf(expanded, {"documentLoader": jsonld.document_loader})
    lines = []
    for graph, triples in dataset.items():
        name = "_:" + graph[len(_SKOLEM) :] if graph.startswith(_SKOLEM) else graph
        for triple in triples:
            quad = _with_graph(triple, name)
            for key, component in quad.items():
                if key != "predicate" and component["type"] == "IRI" and component["value"].startswith(_SKOLEM):
                    component["type"], component["value"] = "blank node", "_:" + component["value"][len(_SKOLEM) :]
            lines.append(pyld.serialize_nquad(quad))
    if len(lines) > _MAX_STATEMENTS:
        raise BadgeFormatError(_("The credential is too large to check."))
    return "".join(lines)


def parse_pointer(pointer: str) -> list[str | int]:
    """A JSON pointer's path: ``parse_pointer("/a/0/b~1c") == ["a", 0, "b/c"]``."""
    if not pointer.startswith("/"):
        raise BadgeFormatError(_("{pointer} is not a JSON pointer."), pointer=pointer[:100])
    parts: list[str | int] = []
    for raw in pointer[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        parts.append(int(part) if part.isdigit() else part)
    return parts


def _initial_selection(source: Any) -> dict[str, Any]:
    selection: dict[str, Any] = {}
    if isinstance(source, dict):
        if isinstance(source.get("id"), str) and not source["id"].startswith("_:"):
            selection["id"] = source["id"]
        if "type" in source:
            selection["type"] = source["type"]
    return selection


class _Sparse(dict):
    """An array under construction: selected indexes only, compacted (holes dropped) at the end."""


def select_json_ld(pointers: list[str], document: dict[str, Any]) -> dict[str, Any] | None:
    """The part of ``document`` the pointers select, with the ids and types that keep it meaningful."""
    if not pointers:
        return None
    selection = _initial_selection(document)
    selection["@context"] = document.get("@context")
    for pointer in pointers:
        _select_path(document, parse_pointer(pointer), selection)
    return _compact_sparse(selection)


def _select_path(document: Any, path: list[str | int], selection: dict[str, Any]) -> None:
    value: Any = document
    parent_selected: Any = selection
    selected: Any = selection
    if not path:
        raise BadgeFormatError(_("{pointer} is not a JSON pointer."), pointer="/")
    for step in path:
        parent_selected, parent_value = selected, value
        try:
            value = parent_value[step]
        except (KeyError, IndexError, TypeError) as exc:
            raise BadgeFormatError(_("The ecdsa-sd-2023 proof selects what the credential does not hold.")) from exc
        selected = parent_selected.get(step) if isinstance(parent_selected, dict) else None
        if selected is None:
            selected = _Sparse() if isinstance(value, list) else _initial_selection(value)
            parent_selected[step] = selected
    last = path[-1]
    if isinstance(value, dict):
        parent_selected[last] = {**selected, **copy.deepcopy(value)}
    else:
        parent_selected[last] = copy.deepcopy(value)


def _compact_sparse(value: Any) -> Any:
    if isinstance(value, _Sparse):
        return [_compact_sparse(value[i]) for i in sorted(k for k in value if isinstance(k, int))]
    if isinstance(value, dict):
        return {k: _compact_sparse(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_compact_sparse(v) for v in value]
    return value


__all__ = [
    "BaseProof",
    "DerivedProof",
    "canonicalize_and_group",
    "parse_proof_value",
    "select_json_ld",
    "verify",
]
