"""`manage.py reverify [--all | --due | --badge ID ...] [--sync]`: re-check badges by hand.

Without --sync the checks are queued for the workers (like the beat task does); with --sync they
run here, one after another, and each verdict is printed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from badges.models import Badge, Verification
from badges.services import expire_badge, reverify_badge, run_due_pass
from badges.tasks import enqueue_check, reverify_badge_task


class Command(BaseCommand):
    help = "Re-verify badges: all of them, the due ones, or the given ids; queued, or here with --sync."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="every badge")
        which.add_argument("--due", action="store_true", help="the badges whose next check is due (what beat does)")
        which.add_argument("--badge", type=int, action="append", metavar="ID", help="this badge (repeatable)")
        parser.add_argument("--sync", action="store_true", help="check here and now instead of queueing")

    def handle(self, *args, all=False, due=False, badge=None, sync=False, **options):
        if due:
            # The same claim as the beat task, so running this next to beat never doubles a check.
            enqueue = self._check_now if sync else enqueue_check
            counts = run_due_pass(enqueue=enqueue)
            self.stdout.write(
                f"{counts['expired']} expired, {counts['enqueued']} checked"
                if sync
                else f"{counts['expired']} expired, {counts['enqueued']} checks queued"
            )
            return
        badges = Badge.objects.all() if all else Badge.objects.filter(pk__in=badge)
        if badge:
            missing = set(badge) - set(badges.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No badge with id {', '.join(map(str, sorted(missing)))}.")
        count = 0
        for pk in badges.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000):
            if sync:
                self._check_now(pk, None, trigger=Verification.Trigger.MANUAL)
            else:
                reverify_badge_task.apply_async(args=(pk, None, Verification.Trigger.MANUAL))
            count += 1
        self.stdout.write(f"{count} badges checked" if sync else f"{count} checks queued")

    def _check_now(self, pk: int, lease: str | None, trigger: str = Verification.Trigger.SCHEDULE) -> None:
        badge = Badge.objects.select_related("owner").filter(pk=pk).first()
        if badge is None:
            return
        if badge.is_expired:
            expire_badge(badge=badge, now=timezone.now())
        reverify_badge(badge=badge, trigger=trigger)
        self.stdout.write(f"{badge.pk}\t{badge.status}\t{badge.name}")
