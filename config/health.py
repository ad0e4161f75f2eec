"""``/healthz``: cheap liveness (the process answers). ``/readyz``: can it serve everything?

``/readyz`` reports the database, the cache and the task broker separately, as JSON, and answers
503 when any of them is down — while the pages themselves keep working on what is left (the cache
fails open, imports fall back to running in the request).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse


def healthz(request):
    """Liveness for load balancers: the app answers. Touches no other service."""
    return HttpResponse("ok", content_type="text/plain")


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _cache() -> bool:
    ping = getattr(cache, "ping", None)
    if ping is not None:
        return ping()
    try:
        cache.set("readyz", "1", timeout=5)
        return cache.get("readyz") == "1"
    except Exception:
        return False


def _broker() -> bool:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
        return True
    except Exception:
        return False


def readyz(request):
    checks = {"database": _database(), "cache": _cache(), "broker": _broker()}
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
