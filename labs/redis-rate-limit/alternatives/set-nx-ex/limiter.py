"""A window that starts at a client's first call: SET NX EX creates the
counter with its expiry, INCR counts; no window number in the key."""
import os

import redis


def _settings():
    return int(os.environ["RATE_LIMIT"]), int(os.environ["RATE_WINDOW_SECONDS"])


_client = None


def _redis():
    global _client
    if _client is None:
        _client = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    return _client


def allow(client_id: str) -> bool:
    limit, window = _settings()
    key = "limit:" + client_id
    _redis().set(key, 0, nx=True, ex=window)
    used = _redis().incr(key)
    if _redis().ttl(key) == -1:  # created by INCR after the key expired
        _redis().expire(key, window)
    return used <= limit
