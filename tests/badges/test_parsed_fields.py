"""Every field the core parses reaches the Badge row, or is left out on purpose and says why.

A new field on ``ParsedBadge`` (or its ``Issuer``) fails here until ``_copy_parsed`` copies it or
it is listed below (CONTRIBUTING.md, "A new parsed field").
"""

from __future__ import annotations

import dataclasses
import inspect

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


def test_every_parsed_badge_field_is_copied_or_left_out_on_purpose():
    missing = [
        field.name
        for field in dataclasses.fields(ParsedBadge)
        if field.name not in LEFT_OUT and f"parsed.{field.name}" not in copied()
    ]
    assert missing == []


def test_every_parsed_issuer_field_is_copied_or_left_out_on_purpose():
    missing = [
        field.name
        for field in dataclasses.fields(Issuer)
        if field.name not in ISSUER_LEFT_OUT and f"parsed.issuer.{field.name}" not in copied()
    ]
    assert missing == []


def test_nothing_is_listed_as_left_out_that_is_copied():
    assert [name for name in LEFT_OUT if f"parsed.{name}" in copied()] == []
    assert [name for name in ISSUER_LEFT_OUT if f"parsed.issuer.{name}" in copied()] == []
