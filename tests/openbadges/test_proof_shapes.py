"""Proof options are canonicalised once per proof shape, and the answer is always pyld's, byte for byte.

The rule (badges.openbadges.proof_shapes): proofs whose options differ only in safe strings of
``created``, ``verificationMethod``, ``expires``, ``nonce``, ``challenge`` or ``domain`` share a
template; a later proof of that shape gets its canonical N-Quads by substitution, and only where the
template shows that substitution is exactly what pyld would do. Anything else takes the full path.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from badges.openbadges import data_integrity, jsonld, proof_shapes, signing
from badges.openbadges.data_integrity import VERIFIED_PROOFS
from badges.openbadges.fetching import DictFetch
from badges.openbadges.ob3 import verify_ob3
from badges.openbadges.proof_shapes import VARIABLE_KEYS, ProofShapeMemo
from badges.openbadges.result import Status
from benchmarks.rdfc_compare import split
from tests.openbadges.test_ob3_corpus import DCC_FILES, verify_file
from tests.openbadges.test_ob3_support import NOW

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
V2 = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
V1 = ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1"]
XSD = "http://www.w3.org/2001/XMLSchema#"


def outcome(analysis: jsonld.Analysis) -> tuple[Any, ...]:
    """What a verifier sees of an analysis: its undefined terms, then its canonical form, or the error."""
    try:
        undefined = analysis.undefined_terms()
        return ("undefined", undefined) if undefined else ("canonical", analysis.canonize())
    except Exception as error:  # compared with the reference's error, whatever it is
        return ("error", type(error).__name__, str(error))


def reference(options: dict[str, Any]) -> tuple[Any, ...]:
    """The same through the plain path: ``undefined_terms`` and pyld's ``canonize``, each from scratch."""
    try:
        undefined = jsonld.undefined_terms(options)
        return ("undefined", undefined) if undefined else ("canonical", jsonld.canonize(options))
    except Exception as error:
        return ("error", type(error).__name__, str(error))


def answered_by_memo(analysis: jsonld.Analysis) -> bool:
    return analysis._canonical is not None  # known before anything ran


def sibling(options: dict[str, Any]) -> dict[str, Any]:
    """The same proof options with other strings of the same kind: another proof of the same issuer."""
    other = dict(options)
    for key in VARIABLE_KEYS:
        value = options.get(key)
        if isinstance(value, str):
            if key in ("created", "expires"):
                other[key] = "2031-02-03T04:05:06Z"
            else:
                other[key] = proof_shapes._head(value) + f"other-{key}"
    return other


# ---------------------------------------------------------------------------------------------
# Generated proof options, honest and hostile

TERM_DEFINITIONS = [
    {"@type": "@id"},
    {"@type": "@vocab"},
    {"@type": XSD + "dateTime"},
    {"@type": XSD + "double"},  # pyld rewrites numeric strings: never substituted
    {"@type": "@json"},
    {"@language": "ja"},
    {"@container": "@list"},
    {"@id": "@type"},  # the value becomes a type (and could select a type-scoped context)
    {"@id": "@id"},  # the value names the proof node itself
    {"@id": "https://e.org/same"},  # two keys on one IRI: equal values merge
    {"@type": "@id", "@context": {"ex": "https://scoped.example/"}},
]
PREFIXES = {
    "ex": "https://ex.example/",  # "ex:foo" is a compact IRI
    "did": "https://did.example/",  # so is every "did:key:…"
    "key": "https://e.org/key-term",  # a value that is also a term
    "@base": "https://base.example/dir/",
}
inline_contexts = st.fixed_dictionaries(
    {"@vocab": st.just("https://e.org/")},
    optional={
        **{name: st.just(iri) for name, iri in PREFIXES.items()},
        **{key: st.sampled_from(TERM_DEFINITIONS) for key in VARIABLE_KEYS},
    },
)
contexts = st.one_of(
    st.just(V2),
    st.just(V1),
    st.just(["https://www.w3.org/ns/credentials/v2"]),
    inline_contexts,
    st.fixed_dictionaries({}, optional={name: st.just(iri) for name, iri in PREFIXES.items()}).map(
        lambda extra: [*V2, extra]
    ),
    inline_contexts.map(lambda inline: [V2[0], inline]),  # redefining protected terms: an error
)
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
dates = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1)).map(
    lambda moment: moment.replace(microsecond=0).isoformat() + "Z"
)
iris = st.one_of(
    st.text(B58, min_size=8, max_size=48).map(lambda z: f"did:key:z6Mk{z}#z6Mk{z}"),
    st.from_regex(r"https://[a-z]{1,8}\.example/[a-z0-9/#-]{0,16}", fullmatch=True),
    st.uuids().map(lambda u: f"urn:uuid:{u}"),
)
tokens = st.one_of(st.from_regex(r"[A-Za-z0-9_.-]{1,24}", fullmatch=True), iris)  # nonces, challenges, domains
HONEST = {"created": dates, "expires": dates, "verificationMethod": iris, "nonce": tokens, "challenge": tokens}
honest_values = st.one_of(dates, iris, tokens)
hostile_values = st.one_of(
    st.sampled_from(
        [
            "ex:foo",  # compact IRI whose prefix is defined
            "did:key:z6Mkfoo",
            "key",  # a term
            "type",
            "DataIntegrityProof",
            "foo/../bar",  # relative IRIs
            "../up",
            "?q=1",
            "#frag",
            "_:b0",  # a blank node
            "@id",  # keyword-like
            "@foo",
            ":x",
            "https://undefined-term.invalid/x",  # the undefined-term check's own base
            "1e5",  # numeric strings (xsd:double)
            "NaN",
            "ltr",
            "manabi-shape-0-",  # the memo's own placeholders
            "did:manabi-shape-1-",
            'say "hi"',
            "two words",
            "tab\tx",
            "line\nbreak",
            "back\\slash",
            "<iri>",
            "日本語",
            "café",
            "",
            "https:",
            "https://",
            "a,b:c",
            "x:",
        ]
    ),
    st.text(max_size=12),
)
values = st.one_of(honest_values, honest_values, honest_values, hostile_values)
other_values = st.one_of(st.just({"id": "did:key:z6Mkx"}), st.lists(honest_values, max_size=2), st.integers())
# Tails of another proof's string: mostly safe characters, sometimes not.
safe_tails = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters='"<>\\^`{|}'), max_size=24
)
tails = st.one_of(
    safe_tails, safe_tails, safe_tails, st.text(st.sampled_from(' "\\<>^`{|}日é\n\taZ09:/#'), max_size=12)
)


def same_start(value: Any, tail: str) -> Any:
    """``value``'s scheme (or, for a date, its year) with another tail: likely the same shape."""
    if not isinstance(value, str):
        return value
    head, colon, rest = value.partition(":")
    if colon:
        return head + colon + ("//" if rest.startswith("//") else "") + tail
    return value[:4] + tail


@st.composite
def proof_pairs(draw) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two proofs' options with the same context and keys (what one issuer's batch looks like)."""
    context = draw(contexts)
    fixed: dict[str, Any] = {"@context": context, "proofPurpose": "assertionMethod"}
    fixed["type"] = "Ed25519Signature2020" if context == V1 else "DataIntegrityProof"
    if context != V1 and draw(st.booleans()):
        fixed["cryptosuite"] = "eddsa-rdfc-2022"
    if draw(st.integers(0, 9)) == 0:
        fixed["id"] = "urn:uuid:8c0a5c3e-6d0c-4a8e-9a39-3d3b0f3a2a10"
    if draw(st.integers(0, 9)) == 0:
        fixed["nested"] = {"name": draw(values)}
    keys = draw(st.lists(st.sampled_from(VARIABLE_KEYS), unique=True, min_size=1))
    first = {}
    for key in keys:
        honest = HONEST.get(key, tokens)
        first[key] = draw(st.one_of(honest, honest, honest, honest, hostile_values, other_values))
    second = dict(fixed)
    for key in keys:
        alike = tails.map(lambda tail, key=key: same_start(first[key], tail))
        second[key] = draw(st.one_of(alike, alike, alike, alike, alike, values))
    first.update(fixed)
    return first, second


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(proof_pairs())
def test_a_proof_answered_from_its_shape_gets_exactly_what_pyld_gives(pair):
    first, second = pair
    memo = ProofShapeMemo()
    assert outcome(memo.analyse(first)) == reference(first)  # the first of its shape: full path
    analysis = memo.analyse(second)
    event("from the memo" if answered_by_memo(analysis) else "full path")
    expected = reference(second)
    event(expected[0])
    assert outcome(analysis) == expected  # maybe from the template
    assert outcome(memo.analyse(first)) == reference(first)  # and the first again, now maybe from it too


def di_options(context: Any, **values: str) -> dict[str, Any]:
    return {"@context": context, "type": "DataIntegrityProof", "proofPurpose": "assertionMethod", **values}


VOCAB = {"@vocab": "https://e.org/"}
SAME_IRI = {**VOCAB, "nonce": {"@id": "https://e.org/same"}, "challenge": {"@id": "https://e.org/same"}}


@pytest.mark.parametrize(
    ("first", "second", "from_memo"),
    [
        pytest.param(
            di_options(V2, created="2025-01-01T00:00:00Z", verificationMethod="did:key:z6Mka#z6Mka"),
            di_options(V2, created="2025-02-03T04:05:06Z", verificationMethod="did:key:z6Mkb#z6Mkb"),
            True,
            id="another date and key of one issuer",
        ),
        pytest.param(
            di_options([*V2, {"did": "https://did.example/"}], verificationMethod="did:key:z6Mka"),
            di_options([*V2, {"did": "https://did.example/"}], verificationMethod="did:key:z6Mkb"),
            False,
            id="a compact IRI whose prefix is defined",
        ),
        pytest.param(
            di_options({**VOCAB, "domain": {"@type": "@id"}}, domain="a.example"),
            di_options({**VOCAB, "domain": {"@type": "@id"}}, domain="b.example"),
            False,
            id="a relative IRI (reported as an undefined term)",
        ),
        pytest.param(
            di_options({**VOCAB, "nonce": {"@type": XSD + "double"}}, nonce="12"),
            di_options({**VOCAB, "nonce": {"@type": XSD + "double"}}, nonce="1e5"),
            False,
            id="an xsd:double, which pyld rewrites",
        ),
        pytest.param(
            di_options({**VOCAB, "nonce": {"@type": "@vocab"}, "key": "https://e.org/k"}, nonce="urn:a"),
            di_options({**VOCAB, "nonce": {"@type": "@vocab"}, "key": "https://e.org/k"}, nonce="key"),
            False,
            id="a value that is a term",
        ),
        pytest.param(
            di_options(SAME_IRI, nonce="n-1", challenge="c-1"),
            di_options(SAME_IRI, nonce="n-2", challenge="n-2"),
            False,
            id="two keys on one IRI with equal values (pyld merges them)",
        ),
        pytest.param(
            di_options(V2, nonce="n-1"),
            di_options(V2, nonce='say "hi"'),
            False,
            id="a string N-Quads would escape",
        ),
    ],
)
def test_only_a_provably_identical_substitution_is_answered_from_the_memo(first, second, from_memo):
    memo = ProofShapeMemo()
    assert outcome(memo.analyse(first)) == reference(first)
    analysis = memo.analyse(second)
    assert answered_by_memo(analysis) is from_memo
    assert outcome(analysis) == reference(second)


def test_a_batch_from_one_issuer_is_expanded_once_per_shape(monkeypatch):
    expansions = []
    real = jsonld.Analysis._expand
    monkeypatch.setattr(jsonld.Analysis, "_expand", lambda self: (expansions.append(1), real(self))[1])
    memo = ProofShapeMemo()
    batch = [
        {
            "@context": V2,
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": f"2025-{month:02}-{day:02}T09:{day:02}:00Z",
            "verificationMethod": f"did:key:z6Mk{month}{day}#z6Mk{month}{day}",
            "proofPurpose": "assertionMethod",
        }
        for month in range(1, 13)
        for day in (1, 15)
    ]
    for options in batch:
        analysis = memo.analyse(options)
        assert analysis.undefined_terms() == []
        assert analysis.canonize() == jsonld.canonize(options)
    # The first proof in full, once more with placeholders for its template; none after that.
    assert len(expansions) == 2
    assert len(memo) == 1


# ---------------------------------------------------------------------------------------------
# The project's fixtures and the shared vectors


def fixture_proof_options() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for root in (FIXTURES / "ob3", FIXTURES / "vectors"):
        for path in sorted(root.rglob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                continue
            found += [(n, d) for n, d in split(path.relative_to(FIXTURES).as_posix(), data) if "#proof" in n]
    return found


def test_every_fixture_proof_gets_its_canonical_form_from_the_memo_exactly():
    options_list = fixture_proof_options()
    answered = 0
    for name, options in options_list:
        memo = ProofShapeMemo()
        memo.analyse(sibling(options)).canonize()  # another proof of the same issuer came first
        analysis = memo.analyse(options)
        expected = reference(options)
        from_memo = answered_by_memo(analysis)
        assert outcome(analysis) == expected, name
        answered += from_memo
        # Every proof whose options are sound JSON-LD is answered from the memo.
        assert from_memo == (expected[0] == "canonical"), name
    assert len(options_list) > 100 and answered > 100


@pytest.fixture
def memo_off(monkeypatch):
    def switch(off: bool) -> None:
        analyse = jsonld.Analysis if off else proof_shapes.PROOF_SHAPES.analyse
        monkeypatch.setattr(data_integrity.proof_shapes, "analyse", analyse)

    return switch


def verdicts() -> dict[str, Any]:
    seen = {}
    for relative in DCC_FILES:
        VERIFIED_PROOFS.clear()
        result = verify_file(relative)
        seen[relative] = (result.status, [c.as_dict() for c in result.checks])
    return seen


def test_every_corpus_credential_gets_the_same_verdict_with_the_memo_as_without(memo_off):
    memo_off(True)
    without = verdicts()
    memo_off(False)
    proof_shapes.PROOF_SHAPES.clear()
    verdicts()  # the memo learns every shape
    assert len(proof_shapes.PROOF_SHAPES) > 0
    assert verdicts() == without


# ---------------------------------------------------------------------------------------------
# Verification


def signed(key, did: str, *, created: datetime, name: str = "Quantum Basics") -> dict[str, Any]:
    credential = signing.build_credential(issuer=did)
    credential["name"] = name
    method = signing.did_key_method(did)
    return signing.sign_data_integrity(credential, private_key=key, verification_method=method, created=created)


def test_a_tampered_proof_option_is_still_caught():
    key, did = signing.generate_ed25519_did_key()
    proof_shapes.PROOF_SHAPES.clear()
    first = signed(key, did, created=datetime(2025, 4, 1, tzinfo=UTC))
    second = signed(key, did, created=datetime(2025, 5, 1, tzinfo=UTC), name="Quantum Advanced")
    assert verify_ob3(json.dumps(first), fetch=DictFetch(), now=NOW).status is Status.VALID
    assert verify_ob3(json.dumps(second), fetch=DictFetch(), now=NOW).status is Status.VALID

    # Same shape, so answered from the memo: the changed date still changes the signed hash.
    second["proof"]["created"] = "2025-05-02T00:00:00Z"
    VERIFIED_PROOFS.clear()
    result = verify_ob3(json.dumps(second), fetch=DictFetch(), now=NOW)
    assert result.status is Status.INVALID
    assert "does not match" in result.check("signature").message  # not a malformed proof


def test_proof_options_with_an_undefined_term_fail_every_time():
    key, did = signing.generate_ed25519_did_key()
    credential = signed(key, did, created=datetime(2025, 4, 1, tzinfo=UTC))
    credential["proof"]["colour"] = "blue"  # no context defines it
    for _ in range(3):
        VERIFIED_PROOFS.clear()
        result = verify_ob3(json.dumps(credential), fetch=DictFetch(), now=NOW)
        assert result.status is Status.INVALID
        assert result.check("signature").params["terms"] == "colour"


# ---------------------------------------------------------------------------------------------
# The memo itself


def test_the_memo_keeps_at_most_its_size_and_drops_the_least_recently_used():
    memo = ProofShapeMemo(size=3)
    shapes = [{"@context": {"@vocab": f"https://e{n}.org/"}, "type": "P", "nonce": "n-1"} for n in range(10)]
    for options in shapes:
        memo.analyse(options).canonize()
        assert len(memo) <= 3
    assert len(memo) == 3
    assert answered_by_memo(memo.analyse({**shapes[-1], "nonce": "n-2"}))
    assert not answered_by_memo(memo.analyse({**shapes[0], "nonce": "n-2"}))


def test_the_memo_answers_correctly_from_many_threads_at_once():
    memo = ProofShapeMemo(size=4)  # fewer places than shapes: entries come and go meanwhile
    contexts = [{"@vocab": f"https://e{n}.org/", "created": {"@type": XSD + "dateTime"}} for n in range(6)]
    jobs = [
        {"@context": contexts[n % 6], "type": "P", "created": (datetime(2025, 1, 1) + timedelta(hours=n)).isoformat()}
        for n in range(120)
    ]
    expected = [jsonld.canonize(options) for options in jobs]
    failures = []

    def work(offset: int) -> None:
        for n in range(offset, offset + len(jobs)):
            options = jobs[n % len(jobs)]
            if memo.analyse(options).canonize() != expected[n % len(jobs)]:
                failures.append(options)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(0, 120, 15)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
