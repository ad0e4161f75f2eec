from celery import shared_task
from django.core import management


@shared_task
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@shared_task
def ping(value: str) -> str:
    """Round-trips through the broker; used by the health check and the worker tests."""
    return f"pong:{value}"
