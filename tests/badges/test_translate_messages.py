"""Verifier messages reach the learner in their language, nested reasons included."""

from django.utils import translation

from badges.openbadges.errors import FetchError
from badges.openbadges.i18n import Message
from badges.openbadges.result import Check, CheckResult, Status
from badges.presentation import translate


def unreachable_key_check() -> Check:
    error = FetchError("Could not connect to {url}.", url="https://issuer.example/key", kind="network")
    return Check(
        "key",
        CheckResult.ERROR,
        "Could not fetch the key {key}: {reason}",
        {"key": "https://issuer.example/key", "reason": error.as_message()},
        status=Status.UNREACHABLE,
    )


def test_a_nested_reason_is_english_in_the_core():
    assert unreachable_key_check().text == (
        "Could not fetch the key https://issuer.example/key: Could not connect to https://issuer.example/key."
    )


def test_a_stored_check_is_shown_in_japanese_with_its_reason_translated_too():
    stored = unreachable_key_check().as_dict()
    with translation.override("ja"):
        text = translate(stored["template"], stored["params"])
    assert "Could not" not in text
    assert "https://issuer.example/key" in text
    with translation.override("en"):
        assert translate(stored["template"], stored["params"]) == unreachable_key_check().text


def test_a_message_object_translates_like_its_stored_form():
    with translation.override("ja"):
        assert translate("{reason}", {"reason": Message("Could not connect to {url}.", {"url": "u"})}) == translate(
            "{reason}", {"reason": {"template": "Could not connect to {url}.", "params": {"url": "u"}}}
        )
