"""The database can store every verdict and every kind of source the Open Badges core gives."""

from badges.models import SourceKind, Status
from badges.openbadges.model import SourceKind as CoreSourceKind
from badges.openbadges.result import Status as CoreStatus


def test_every_verdict_of_the_core_is_a_status_choice():
    assert {str(status) for status in CoreStatus} <= set(Status.values)


def test_status_choices_are_the_core_verdicts_plus_not_checked_yet():
    assert set(Status.values) - {str(status) for status in CoreStatus} == {Status.PENDING}


def test_source_kind_choices_are_the_core_source_kinds():
    assert set(SourceKind.values) == {str(kind) for kind in CoreSourceKind}
