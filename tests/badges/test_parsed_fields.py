"""Every field the core parses reaches the Badge row, or is left out on purpose and says why.

A new field on ``ParsedBadge`` (or its ``Issuer``) fails here until ``_copy_parsed`` copies it or
it is listed below (CONTRIBUTING.md, "A new parsed field").
"""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from badges.openbadges.model import Issuer, ParsedBadge
from badges.services import _copy_parsed

LEFT_OUT = {
    "recipients": "matched against the learner's verified identities at every check; never stored",
    "raw": "the import stores the payload itself (Badge.raw_payload, and the original file)",
}
ISSUER_LEFT_OUT = {
    "description": "not shown anywhere yet",
}


def copied() -> str:
    return inspect.getsource(_copy_parsed)


@pytest.mark.parametrize(
    ("parsed", "prefix", "left_out"),
    [(ParsedBadge, "parsed.", LEFT_OUT), (Issuer, "parsed.issuer.", ISSUER_LEFT_OUT)],
    ids=["badge", "issuer"],
)
def test_every_parsed_field_is_copied_or_left_out_on_purpose(parsed, prefix, left_out):
    fields = [field.name for field in dataclasses.fields(parsed)]
    assert [name for name in fields if name not in left_out and prefix + name not in copied()] == []
    # …and nothing is listed as left out that is in fact copied.
    assert [name for name in left_out if prefix + name in copied()] == []
