"""Re-checks never freeze and never flip on one bad answer.

* Anything unexpected while re-checking (a bug, a parser limit, the task's soft time limit) is
  recorded as a failed attempt — "could not re-check", with back-off — so the badge does not keep
  "verified" with a stale date for ever and reaches the "unverifiable" rule in time.
* One 200 answer with garbage in it (a half-deployed issuer site, a proxy error page) counts as
  "could not re-check" too. Only the same on the next check is definitive. Revocation, signature
  and recipient failures stay definitive at once: they are never "garbage".
"""

from __future__ import annotations

from badges.openbadges.i18n import Message
from badges.openbadges.i18n import gettext_noop as _
from badges.openbadges.result import Check, CheckResult, Status, VerificationResult

# Checks that fail when an issuer's document cannot be read (not when it says something bad).
UNREADABLE_ANSWER_CHECKS = frozenset({"format", "hosted", "documents"})
UNREADABLE_ANSWER = _("The issuer's server answered with something that is not a badge document: {reason}")
CRASHED = _("The re-check stopped before it finished ({error}). It will be tried again.")


def could_not_recheck(error: BaseException) -> VerificationResult:
    """The result recorded when a re-check raised instead of returning a verdict."""
    check = Check("hosted", CheckResult.ERROR, CRASHED, {"error": type(error).__name__}, status=Status.UNREACHABLE)
    return VerificationResult.from_checks([check], errors=(repr(error)[:500],))


def _failing(check: Check) -> bool:
    return check.result in (CheckResult.FAIL, CheckResult.ERROR)


def is_unreadable_answer(result: VerificationResult) -> bool:
    failing = [c for c in result.checks if _failing(c)]
    return (
        result.status is Status.INVALID
        and bool(failing)
        and all(c.name in UNREADABLE_ANSWER_CHECKS and c.status is Status.INVALID for c in failing)
    )


def tolerate_one_unreadable_answer(result: VerificationResult, previous_checks: list[dict]) -> VerificationResult:
    """``result`` unchanged, unless it is a first unreadable answer: then "could not re-check"."""
    if not is_unreadable_answer(result):
        return result
    if any(check.get("template") == UNREADABLE_ANSWER for check in previous_checks):
        return result  # the second in a row: definitive
    first = next(c for c in result.checks if _failing(c))
    softened = Check(
        first.name,
        CheckResult.ERROR,
        UNREADABLE_ANSWER,
        {"reason": Message(first.message, dict(first.params))},
        status=Status.UNREACHABLE,
    )
    checks = [softened, *(c for c in result.checks if not _failing(c))]
    return VerificationResult.from_checks(
        checks, badge=result.badge, source_kind=result.source_kind, documents=result.documents, errors=result.errors
    )
