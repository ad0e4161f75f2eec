from django.core.management import call_command

from accounts.models import User
from badges.models import Status


def test_demo_data_creates_a_learner_with_verified_badges_and_is_idempotent(db):
    call_command("load_demo_data")
    call_command("load_demo_data")
    demo = User.objects.get(email="demo@manabi.example")
    assert demo.check_password("manabi-demo-2026")
    statuses = sorted(demo.badges.values_list("status", flat=True))
    assert len(statuses) == 5
    assert statuses.count(Status.VALID) == 4
    assert statuses.count(Status.EXPIRED) == 1
    assert all(badge.thumbnail for badge in demo.badges.all())
