"""Create the demo learner and their demo badges (badges/demo.py). Safe to run repeatedly."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand

from accounts.models import User

DEMO_EMAIL = "demo@manabi.example"
DEMO_PASSWORD = "manabi-demo-2026"


class Command(BaseCommand):
    help = "Create the demo learner demo@manabi.example (password manabi-demo-2026). Idempotent."

    def handle(self, *args, **options):
        user, created = User.objects.get_or_create(
            email=DEMO_EMAIL, defaults={"display_name": "デモ 学習者", "preferred_language": "ja"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True})
        from badges.demo import load_demo_badges

        count = load_demo_badges(user)
        if count:
            self.stdout.write(f"Imported {count} demo badges.")
        self.stdout.write(f"Demo learner ready: {DEMO_EMAIL} / {DEMO_PASSWORD}")
