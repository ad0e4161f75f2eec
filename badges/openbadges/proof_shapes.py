"""The canonical form of Data Integrity proof options, worked out once per proof *shape*.

A batch of credentials from one issuer carries proofs whose options (the proof without
``proofValue``, with the document's ``@context``) differ only in a few strings: ``created``,
``verificationMethod``, ``expires``, ``nonce``, ``challenge``, ``domain``. Expanding and
canonicalising them (pyld, RDFC-1.0) every time is a JSON-LD pass per credential; here the pass
runs once per shape and later proofs of that shape get the same result by substitution.

The rule: the answer is used only where it is byte for byte what pyld gives.

* Shape = every key and its exact JSON (the ``@context`` included, in order), except that a
  variable key holding a *safe* string contributes only the string's class. Safe: 1–512 printable
  ASCII characters with no space, ``"``, ``\\``, ``<``, ``>``, ``{``, ``}``, ``|``, ``^`` or
  backquote (so N-Quads escaping leaves it unchanged), not starting with ``@`` or ``_:``, and not
  a term of any bundled context or of the inline context (so it selects no type-scoped context and
  is never replaced by a term's IRI). Class: its scheme (``did:``, ``https://`` …) when the text
  before its first colon is one by pyld's pattern, otherwise plain text.
* The first proof of a shape is canonicalised in full, as always. If it has no undefined terms, the
  same options with each variable string replaced by a placeholder of its class (``did:`` + marker)
  are canonicalised too, and the result is kept as the shape's template only if: it has at most one
  blank node (its label ``_:c14n0`` then depends on no value), its lines are distinct, each marker
  occurs once, either as a whole IRI ``<placeholder>`` or as a whole literal ``"placeholder"`` not
  typed ``xsd:double`` (pyld rewrites those) or ``rdf:JSON``, and filling in the first proof's own
  strings gives exactly its full canonical form. Otherwise the shape is marked as not memoisable.
* A later proof of a kept shape: its strings replace the markers (in one pass), and the lines are
  sorted again, as RDFC-1.0 output is; if two lines coincide (pyld would have merged the two
  values) the full path runs instead.

Why the class is enough: pyld copies a literal's string verbatim (except for ``xsd:double``), and
expands an IRI depending on the string only through whether it looks like a keyword or is a term
(both excluded), the text before its first colon and whether the rest starts with ``//`` (which the
placeholder shares), and whether it is an absolute IRI (decided by that same prefix, as neither
string has white space). A placeholder that came out as itself therefore means the string does too.

>>> options = {"@context": {"@vocab": "https://e.org/"}, "type": "P", "nonce": "abc"}
>>> analyse(options).canonize() == jsonld.canonize(options)
True
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import jsonld

VARIABLE_KEYS = ("created", "expires", "verificationMethod", "nonce", "challenge", "domain")

_SAFE = re.compile(r"[!#-;=?-\[\]_a-z~]{1,512}")  # printable ASCII without space "<>\^`{|}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+,\-.]*")  # pyld's absolute-IRI prefix ("+-." is a range)
_STEM = "manabi-shape-"
_UNSUBSTITUTABLE_TYPES = (
    "^^<http://www.w3.org/2001/XMLSchema#double>",
    "^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>",
)
_MAX_SHAPE_CHARS = 16_384
_BLANK_NODE = re.compile(r"_:[A-Za-z0-9]+")


@cache
def _bundled_terms() -> frozenset[str]:
    names: set[str] = set()
    for path in jsonld.CONTEXTS_DIR.iterdir():
        if path.suffix in (".json", ".jsonld"):
            _collect_keys(json.loads(path.read_text(encoding="utf-8")), names)
    return frozenset(names)


def _collect_keys(value: Any, names: set[str]) -> None:
    if isinstance(value, dict):
        names.update(value)
        for item in value.values():
            _collect_keys(item, names)
    elif isinstance(value, list):
        for item in value:
            _collect_keys(item, names)


def _head(value: str) -> str:
    """The part of ``value`` its placeholder keeps: ``did:``, ``https://``, or "" (plain text)."""
    colon = value.find(":")
    if colon > 0 and _SCHEME.fullmatch(value[:colon]):
        return value[: colon + 1] + ("//" if value.startswith("//", colon + 1) else "")
    return ""


@dataclass(frozen=True)
class _Shape:
    key: str
    values: dict[str, str]  # variable key -> its string
    heads: dict[str, str]  # variable key -> the head its placeholder keeps


def _shape_of(options: dict[str, Any]) -> _Shape | None:
    """The shape of ``options``, or None when they are not memoisable (nothing variable, or too big)."""
    names: set[str] = set()
    _collect_keys(options, names)  # every key of the options and of their inline contexts
    values: dict[str, str] = {}
    for key in VARIABLE_KEYS:
        value = options.get(key)
        if (
            isinstance(value, str)
            and _SAFE.fullmatch(value)
            and not value.startswith(("@", "_:"))
            and value not in names
            and value not in _bundled_terms()
        ):
            values[key] = value
    if not values:
        return None
    heads = {key: _head(value) for key, value in values.items()}
    # pyld expands an object's keys in sorted order, so their order in the options does not matter.
    parts = [[key, 1, heads[key]] if key in values else [key, 0, options[key]] for key in sorted(options)]
    text = json.dumps(parts)
    if len(text) > _MAX_SHAPE_CHARS or _STEM in text or any(_STEM in value for value in values.values()):
        return None
    return _Shape(text, values, heads)


@dataclass(frozen=True)
class _Template:
    lines: tuple[str, ...]  # canonical N-Quads lines with the placeholders in place of the strings
    keys: dict[str, str]  # placeholder -> variable key
    pattern: re.Pattern[str]

    def fill(self, values: dict[str, str]) -> str | None:
        """The canonical N-Quads with ``values`` in place of the placeholders (in one pass, so a value
        is never substituted into); None if two lines coincide."""
        lines = [self.pattern.sub(lambda m: values[self.keys[m.group()]], line) for line in self.lines]
        if len(set(lines)) != len(lines):
            return None
        lines.sort()
        return "".join(lines)


def _marker(index: int) -> str:
    return f"{_STEM}{index}-"


def _template(shape: _Shape, options: dict[str, Any], canonical: str) -> _Template | None:
    """The shape's template, checked against ``canonical`` (the full result for ``options``), or None."""
    markers = {_marker(i): key for i, key in enumerate(shape.values)}
    placeholders = {key: shape.heads[key] + marker for marker, key in markers.items()}
    if any(p in _bundled_terms() for p in placeholders.values()):
        return None
    try:
        analysis = jsonld.Analysis({**options, **placeholders})
        if analysis.undefined_terms():
            return None
        form = analysis.canonize()
    except Exception:  # the placeholders broke it: this shape is simply not memoised
        return None
    if not form.endswith("\n") or set(_BLANK_NODE.findall(form)) - {"_:c14n0"}:
        return None
    lines = tuple(line + "\n" for line in form[:-1].split("\n"))
    if len(set(lines)) != len(lines):
        return None
    for marker, key in markers.items():
        if form.count(marker) != 1 or not any(
            _whole(line, placeholders[key], iri=bool(shape.heads[key])) for line in lines
        ):
            return None
    keys = {placeholder: key for key, placeholder in placeholders.items()}
    template = _Template(lines, keys, re.compile("|".join(map(re.escape, keys))))
    return template if template.fill(shape.values) == canonical else None


def _whole(line: str, placeholder: str, *, iri: bool) -> bool:
    """Whether ``line`` holds ``placeholder`` as a whole IRI (only if ``iri``) or as a whole literal
    we may substitute (a string, language-tagged, or typed other than xsd:double and rdf:JSON)."""
    if iri and (at := line.find(f"<{placeholder}>")) >= 0:
        end = at + len(placeholder) + 2
        return (at == 0 or line[at - 1] == " ") and line[end : end + 1] == " "
    literal = f' "{placeholder}"'
    if (at := line.find(literal)) < 0:
        return False
    after = line[at + len(literal) :]
    return after[:1] in (" ", "@") or (after.startswith("^^<") and not after.startswith(_UNSUBSTITUTABLE_TYPES))


class ProofShapeMemo:
    """Per-process, bounded (least recently used out), thread-safe memo of proof-option templates."""

    def __init__(self, *, size: int = 256) -> None:
        self.size = size
        # shape key -> its template, or None for a shape whose template failed its checks
        self._templates: OrderedDict[str, _Template | None] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._templates)

    def clear(self) -> None:
        with self._lock:
            self._templates.clear()

    def analyse(self, options: dict[str, Any]) -> jsonld.Analysis:
        """The undefined terms and canonical form of ``options``, from the memo when their shape allows."""
        shape = _shape_of(options)
        if shape is None:
            return jsonld.Analysis(options)
        with self._lock:
            known = shape.key in self._templates
            template = self._templates.get(shape.key)
            if known:
                self._templates.move_to_end(shape.key)
        if template is not None:
            canonical = template.fill(shape.values)
            if canonical is not None:
                return jsonld.Analysis.known(options, canonical)
        if known:
            return jsonld.Analysis(options)
        return _FirstOfShape(options, shape, self)

    def _remember(self, key: str, template: _Template | None) -> None:
        with self._lock:
            self._templates[key] = template
            self._templates.move_to_end(key)
            while len(self._templates) > self.size:
                self._templates.popitem(last=False)


class _FirstOfShape(jsonld.Analysis):
    """The full path for the first proof of a shape; once its canonical form is known (and only if
    it has no undefined terms), the shape's template is built and checked against it."""

    def __init__(self, options: dict[str, Any], shape: _Shape, memo: ProofShapeMemo) -> None:
        super().__init__(options)
        self._shape, self._memo = shape, memo

    def canonize(self) -> str:
        canonical = super().canonize()
        if self._memo is not None and not self.undefined_terms():
            memo, self._memo = self._memo, None  # learn once
            # With several blank nodes no template can pass: no need to spend a pass finding out.
            several = len(set(_BLANK_NODE.findall(canonical))) > 1
            memo._remember(self._shape.key, None if several else _template(self._shape, self.document, canonical))
        return canonical


PROOF_SHAPES = ProofShapeMemo()


def analyse(options: dict[str, Any]) -> jsonld.Analysis:
    """``jsonld.Analysis(options)``, answered from ``PROOF_SHAPES`` when the options' shape allows.

    >>> analyse({"@context": {"@vocab": "https://e.org/"}, "nonce": "n-1"}).undefined_terms()
    []
    """
    return PROOF_SHAPES.analyse(options)
