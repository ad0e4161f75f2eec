"""Thin Celery tasks for connected hosts: the periodic due pass and one pull (obapi.connections)."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

RETRY_POLICY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


def enqueue_pull(connection_id: int) -> None:
    pull_connection_task.delay(connection_id)


@shared_task(ignore_result=True, soft_time_limit=600, time_limit=660, **RETRY_POLICY)
def pull_connection_task(connection_id: int) -> str:
    """Pull one connection; a second copy of the task for the same connection does nothing."""
    from .connections import pull_connection
    from .models import Connection

    lock = f"obapi:pull:{connection_id}"
    if not cache.add(lock, 1, timeout=660):
        return "busy"
    try:
        connection = (
            Connection.objects.select_related("owner").filter(pk=connection_id, state=Connection.State.ACTIVE).first()
        )
        if connection is None:
            return "gone"
        report = pull_connection(connection=connection)
        return f"imported {report.imported}"
    finally:
        cache.delete(lock)


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90, **RETRY_POLICY)
def pull_due_connections() -> int:
    from .connections import due_connections

    ids = due_connections()
    for pk in ids:
        enqueue_pull(pk)
    return len(ids)
