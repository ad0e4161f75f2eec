"""Redis as the shared cache, failing open: when Redis is down, the site keeps working.

Everything that uses the cache — page fragments, DRF throttles, allauth's login rate limits, the
per-host politeness limiter — sees a Redis outage as a cache that still answers: reads and writes
go to a per-process memory cache instead. Limits then hold per worker process (the safe local
behaviour) until Redis is back; they are shared across processes whenever Redis answers.

After a failure Redis is not asked again for ``retry_after`` seconds, so an outage costs one short
connect timeout per process now and then, not one per cache call.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class FailOpenRedisCache(RedisCache):
    retry_after = 5.0

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        # Short timeouts: a dead Redis must cost milliseconds, not the default of waiting for ever.
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, {**params, "OPTIONS": options})
        self.local = LocMemCache(f"fail-open-{id(self)}", {**params, "OPTIONS": {}})
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def redis_available(self) -> bool:
        return time.monotonic() >= self._down_until

    def ping(self) -> bool:
        """Ask Redis itself (ignores the back-off): True if it answers. Used by /readyz."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except Exception:
            return False

    def _call(self, name: str, *args, **kwargs):
        if self.redis_available:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except ValueError:
                raise  # incr of a missing key: a normal answer, not an outage
            except Exception as error:  # redis.ConnectionError, TimeoutError, OSError…
                with self._lock:
                    self._down_until = time.monotonic() + self.retry_after
                logger.warning("Redis cache unavailable (%s); using the local cache for %ss", error, self.retry_after)
        return getattr(self.local, name)(*args, **kwargs)


def _delegate(name: str):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in _OPERATIONS:
    setattr(FailOpenRedisCache, _name, _delegate(_name))
