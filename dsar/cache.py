"""The shared cache (rate-limit counters, the worker heartbeat) that survives Redis going down.

django-ratelimit lets a Redis error through, so with Redis down every rate-limited page, the
public request form among them, answered 500. This backend is Django's RedisCache that, on a
connection error or a timeout, counts in this process's memory instead (a local LocMemCache)
and leaves Redis alone for DOWN_SECONDS before trying it again, so a dead or black-holed Redis
costs one timeout per process every DOWN_SECONDS rather than one per call.

Decision: limits fall back to a local count; they do not fail open. While Redis is down each
web process counts on its own, so a client may get up to (number of processes) x the limit,
and the counts start again from zero; that keeps a script from submitting without end and
never turns a person away because Redis is down. Counts kept locally are not copied to Redis
when it returns.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DOWN_SECONDS = 30
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)

# Per process, shared by every thread's cache instance.
_state = {"down_until": 0.0}
_lock = threading.Lock()


def _redis_down() -> bool:
    return time.monotonic() < _state["down_until"]


def _mark_down(exc: Exception) -> None:
    with _lock:
        first = not _redis_down()
        _state["down_until"] = time.monotonic() + DOWN_SECONDS
    if first:
        logger.warning("Redis unreachable (%s): counting in this process for %s s", type(exc).__name__, DOWN_SECONDS)


def reset() -> None:
    """Forget that Redis was down (tests; a deliberate reconnect)."""
    _state["down_until"] = 0.0


class _ReusedClients(RedisCacheClient):
    """Django's client builds a new `redis.Redis` (and copies its reply table) on every call:
    keep one per connection pool instead; a `redis.Redis` is safe to share between threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClients
        # LocMemCache instances of one name share their storage across threads.
        self.local = LocMemCache("dsar-redis-fallback", {"TIMEOUT": params.get("TIMEOUT", 300)})

    def _either(self, name: str, *args, **kwargs):
        if not _redis_down():
            try:
                return getattr(super(), name)(*args, **kwargs)
            except REDIS_DOWN as exc:
                _mark_down(exc)
        return getattr(self.local, name)(*args, **kwargs)

    def clear(self):
        self.local.clear()
        return self._either("clear")


def _falling_back(name: str):
    def method(self, *args, **kwargs):
        return self._either(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many"):
    setattr(FallbackRedisCache, _name, _falling_back(_name))
