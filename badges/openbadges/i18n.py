"""Marks core messages for translation without importing Django.

``gettext_noop`` has the name Django's ``makemessages`` (xgettext) looks for, so the English
templates below land in ``locale/*/django.po``; the Django side translates them with
``gettext(template).format(**params)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def gettext_noop(message: str) -> str:
    """Return ``message`` unchanged; only marks it for extraction. ``gettext_noop("Hi") == "Hi"``."""
    return message


@dataclass(frozen=True)
class Message:
    """A translatable message used as a parameter of another one (a check's "reason").

    ``str()`` gives the English text; the Django side translates ``template`` and its ``params``
    recursively, so a nested reason is shown in the learner's language too.
    """

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return format_message(self.template, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"template": self.template, "params": serialise_params(self.params)}


def format_message(template: str, params: Mapping[str, Any]) -> str:
    """``template.format(**params)``, never raising for a template that does not fit its params."""
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError):
        return template


def serialise_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-ready params: nested messages as {"template", "params"}, everything else as text."""
    return {key: value.as_dict() if isinstance(value, Message) else str(value) for key, value in params.items()}
