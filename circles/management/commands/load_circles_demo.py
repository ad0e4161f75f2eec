"""Demo for journey 7 (`make run`): a verified organisation for one of the demo learner's badges, its
circle activated, and a meet-up with an attendance badge starting soon. Run after load_demo_data.
Safe to run repeatedly."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import User
from badges.models import Badge

ORGANISER_EMAIL = "organiser@manabi.example"
ORGANISER_PASSWORD = "manabi-demo-2026"
DEMO_LEARNER = "demo@manabi.example"
DEMO_BADGE = "データサイエンス入門"


class Command(BaseCommand):
    help = "Create the demo organiser organiser@manabi.example, a circle and a meet-up. Idempotent."

    def handle(self, *args, **options):
        from circles import services
        from circles.directory import rebuild_directory
        from circles.models import Event, Organiser

        badge = Badge.objects.filter(owner__email=DEMO_LEARNER, name=DEMO_BADGE).first()
        if badge is None:
            self.stdout.write("No demo badge yet: run load_demo_data first.")
            return
        user, created = User.objects.get_or_create(
            email=ORGANISER_EMAIL, defaults={"display_name": "みらい県生涯学習センター", "preferred_language": "ja"}
        )
        if created:
            user.set_password(ORGANISER_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=ORGANISER_EMAIL, defaults={"verified": True, "primary": True}
        )
        organiser, _created = Organiser.objects.update_or_create(
            user=user,
            defaults={"organisation_name": badge.issuer_name, "verified": True, "issuers": badge.issuer_id},
        )
        circle = services.badge_circle(badge)
        services.activate_circle(circle=circle, organiser=organiser)
        if not circle.events.filter(ends_at__gte=timezone.now()).exists():
            start = timezone.now() + timedelta(minutes=30)
            Event.objects.create(
                circle=circle,
                organiser=organiser,
                title="データサイエンス受講者 交流会",
                description="修了者どうしで、講座のあとの学びや仕事での使い方を話しましょう。",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                place="みらい県生涯学習センター 3階 研修室",
                capacity=30,
                attendance_badge=True,
            )
        rebuild_directory()
        self.stdout.write(f"Demo organiser ready: {ORGANISER_EMAIL} / {ORGANISER_PASSWORD}")
