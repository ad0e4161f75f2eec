"""What an OB 3.0 credential tells an admissions officer, read for display in the viewer's language.

``details(payload, languages)`` reads a stored credential (JSON or VC-JWT; no fetch, no
verification: the verdict comes from ``ob3``) into achievementType, criteria, results with their
result descriptions, credits available / earned, alignments (targetFramework, targetCode),
evidence and the image, with multilingual values — JSON-LD language maps and ``@language``-tagged
values — picked in the viewer's language with a fallback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import OpenBadgesError
from .vc import as_list, first_subject, iri_of, read_credential

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def localized(value: Any, languages: Sequence[str] = ("en",)) -> str:
    """A display string from a plain value, a language map, ``@language``-tagged values, or a list of them.

    >>> localized({"en": "Teamwork", "ja": "チームワーク"}, ["ja"])
    'チームワーク'
    >>> localized([{"@value": "Teamwork", "@language": "en"}, {"@value": "Travail", "@language": "fr"}], ["ja", "fr"])
    'Travail'
    >>> localized({"en-GB": "Colour"}, ["en"])
    'Colour'
    """
    options = _options(value)
    if not options:
        return ""
    for wanted in [*languages, "en"]:
        wanted = wanted.lower()
        for tag, text in options:
            if tag and (tag == wanted or tag.split("-")[0] == wanted.split("-")[0]):
                return text
    untagged = [text for tag, text in options if not tag]
    return untagged[0] if untagged else options[0][1]


def _options(value: Any) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [("", value)]
    if isinstance(value, bool) or isinstance(value, int | float):
        return [("", str(value))]
    if isinstance(value, list):
        return [option for item in value for option in _options(item)]
    if isinstance(value, dict):
        if "@value" in value:
            text = value["@value"]
            tag = value.get("@language")
            return [(tag.lower() if isinstance(tag, str) else "", str(text))] if text is not None else []
        if value and all(isinstance(k, str) and _LANGUAGE_TAG.match(k) for k in value):
            return [(k.lower(), v) for k, v in value.items() if isinstance(v, str)]
    return []


@dataclass(frozen=True)
class Result:
    label: str
    value: str


@dataclass(frozen=True)
class Alignment:
    name: str
    url: str | None
    framework: str
    code: str
    description: str


@dataclass(frozen=True)
class Details:
    name: str
    description: str
    achievement_type: str
    criteria: str
    criteria_url: str | None
    image: str | None
    results: tuple[Result, ...]
    credits_available: str
    credits_earned: str
    alignments: tuple[Alignment, ...]
    evidence: tuple[tuple[str, str | None], ...]  # (name or narrative, url)
    language_choice: bool  # some field came in several languages


def _str_id(node: dict[str, Any]) -> bool:
    return isinstance(node.get("id"), str)


def _as_key(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value) if isinstance(value, str) else ""
    return f"{value:g}"


def details(payload: str, languages: Sequence[str] = ("en",)) -> Details | None:
    """The display details of an OB 3.0 credential, or None when ``payload`` is not one we can read."""
    try:
        credential, _jws = read_credential(payload)
    except OpenBadgesError:
        return None
    subject = first_subject(credential)
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    criteria = achievement.get("criteria") if isinstance(achievement.get("criteria"), dict) else {}

    def text(value: Any) -> str:
        return localized(value, languages)

    descriptions = {
        d["id"]: d for d in as_list(achievement.get("resultDescription")) if isinstance(d, dict) and _str_id(d)
    }
    results = []
    for result in as_list(subject.get("result")):
        if not isinstance(result, dict):
            continue
        description = descriptions.get(_as_key(result.get("resultDescription"))) or {}
        levels = {
            level["id"]: level
            for level in as_list(description.get("rubricCriterionLevel"))
            if isinstance(level, dict) and _str_id(level)
        }
        level = levels.get(_as_key(result.get("achievedLevel"))) or {}
        value = text(result.get("value")) or text(level.get("name")) or text(result.get("status"))
        label = text(description.get("name")) or text(description.get("resultType"))
        if value or label:
            results.append(Result(label=label, value=value))
    alignments = tuple(
        Alignment(
            name=text(a.get("targetName")),
            url=iri_of(a.get("targetUrl")),
            framework=text(a.get("targetFramework")),
            code=text(a.get("targetCode")),
            description=text(a.get("targetDescription")),
        )
        for a in as_list(achievement.get("alignment"))
        if isinstance(a, dict)
    )
    evidence = tuple(
        (text(e.get("name")) or text(e.get("narrative")) or text(e.get("description")), iri_of(e))
        for e in as_list(credential.get("evidence"))
        if isinstance(e, dict)
    )
    multilingual = any(
        len(_options(v)) > 1 for v in (achievement.get("name"), achievement.get("description"), credential.get("name"))
    )
    return Details(
        name=text(achievement.get("name")) or text(credential.get("name")),
        description=text(achievement.get("description")) or text(credential.get("description")),
        achievement_type=text(achievement.get("achievementType")).removeprefix("ext:"),
        criteria=text(criteria.get("narrative")),
        criteria_url=iri_of(criteria),
        image=iri_of(achievement.get("image")) or iri_of(subject.get("image")) or iri_of(credential.get("image")),
        results=tuple(results),
        credits_available=_number(achievement.get("creditsAvailable")),
        credits_earned=_number(subject.get("creditsEarned")),
        alignments=alignments,
        evidence=evidence,
        language_choice=multilingual,
    )
