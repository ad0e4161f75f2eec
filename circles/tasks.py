"""Thin Celery tasks for circles: each calls one idempotent service."""

from __future__ import annotations

from celery import shared_task

from badges.tasks import RETRY_POLICY


@shared_task(ignore_result=True, soft_time_limit=540, time_limit=600, **RETRY_POLICY)
def rebuild_directory() -> dict:
    """Recompute the directory of badge classes and the "also earned" suggestions (k-anonymous)."""
    from .directory import rebuild_directory as rebuild

    return rebuild()


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=300, **RETRY_POLICY)
def expire_old_posts() -> int:
    """Delete circle posts past their 12 months (pinned announcements stay)."""
    from .services import expire_posts

    return expire_posts()
