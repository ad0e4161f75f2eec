"""``credentialSchema`` of type ``1EdTechJsonSchemaValidator2019``: validate against the bundled OB 3.0 schema.

Schemas are bundled in ``schemas/`` (``schemas/index.json`` maps URL -> file) and never fetched:
a credential naming any other schema gets the check ``skipped``, saying so. The result is its
own ``schema`` check; a credential without ``credentialSchema`` gets none.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator

from .i18n import gettext_noop as _
from .result import Check, CheckResult, Status

SCHEMAS_DIR = Path(__file__).with_name("schemas")
VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"
_MAX_WRAPS = 16  # rounds of wrapping single values; each round fixes every spot found


@cache
def _index() -> dict[str, str]:
    return json.loads((SCHEMAS_DIR / "index.json").read_text(encoding="utf-8"))


@cache
def _validator(filename: str) -> Draft201909Validator:
    schema = json.loads((SCHEMAS_DIR / filename).read_text(encoding="utf-8"))
    return Draft201909Validator(schema)


def bundled(url: str) -> bool:
    """Is the schema at ``url`` one we carry? ``bundled("https://example.org/schema.json") is False``."""
    return url in _index()


def _errors(validator: Draft201909Validator, credential: dict[str, Any]) -> list[Any]:
    """Schema errors, once single values stand in arrays where the schema wants one.

    JSON-LD lets a one-element list be written as the value itself (``"proof": {...}``); the
    1EdTech schemas spell every multi-valued property as an array, and the 1EdTech validator reads
    single values as one-element arrays. Each such spot is wrapped, then validation runs again.
    """
    document = copy.deepcopy(credential)
    for _round in range(_MAX_WRAPS):
        errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
        wrappable = [e for e in errors if _wants_array(e) and e.absolute_path]
        if not wrappable:
            return errors
        for error in wrappable:
            *parents, last = list(error.absolute_path)
            holder: Any = document
            for step in parents:
                holder = holder[step]
            if not isinstance(holder[last], list):
                holder[last] = [holder[last]]
    return sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])


def _wants_array(error: Any) -> bool:
    wanted = error.validator_value
    return error.validator == "type" and (wanted == "array" or (isinstance(wanted, list) and "array" in wanted))


def schema_check(credential: dict[str, Any]) -> Check | None:
    """The ``schema`` check for the credential's declared schemas; None when it declares none.

    >>> schema_check({"credentialSchema": [{"id": "https://example.org/s.json", "type": "JsonSchema"}]}).result
    <CheckResult.SKIPPED: 'skipped'>
    """
    declared = credential.get("credentialSchema")
    entries = [e for e in (declared if isinstance(declared, list) else [declared]) if isinstance(e, dict)]
    if not entries:
        return None
    checked: list[str] = []
    for entry in entries:
        url, kind = entry.get("id"), entry.get("type")
        if kind != VALIDATOR_TYPE or not isinstance(url, str) or not bundled(url):
            continue
        errors = _errors(_validator(_index()[url]), credential)
        if errors:
            first = errors[0]
            where = "/" + "/".join(str(p) for p in first.absolute_path)
            return Check(
                "schema",
                CheckResult.FAIL,
                _("The credential does not match the Open Badges 3.0 JSON Schema {schema} (at {path}: {rule})."),
                {"schema": url, "path": where, "rule": str(first.validator), "count": len(errors)},
                status=Status.INVALID,
            )
        checked.append(url)
    if checked:
        return Check(
            "schema",
            CheckResult.PASS,
            _("The credential matches the Open Badges 3.0 JSON Schema {schema}."),
            {"schema": ", ".join(checked)},
        )
    first = entries[0]
    return Check(
        "schema",
        CheckResult.SKIPPED,
        _("The credential names the schema {schema} ({type}), which is not bundled; schemas are never fetched."),
        {"schema": str(first.get("id"))[:200], "type": str(first.get("type"))[:100]},
    )
