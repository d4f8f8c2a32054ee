"""A sliding window: a sorted set of the client's calls, trimmed, added to
and counted in one MULTI/EXEC."""
import os
import time
import uuid

import redis

LIMIT = int(os.getenv("RATE_LIMIT", "5"))
WINDOW = float(os.getenv("RATE_WINDOW_SECONDS", "1"))

r = redis.Redis.from_url(os.environ["REDIS_URL"])


def allow(client_id):
    now = time.time()
    key = f"calls:{client_id}"
    with r.pipeline(transaction=True) as tx:
        tx.zremrangebyscore(key, "-inf", now - WINDOW)
        tx.zadd(key, {uuid.uuid4().hex: now})
        tx.zcard(key)
        tx.expire(key, int(WINDOW) + 1)
        _, _, calls, _ = tx.execute()
    return calls <= LIMIT
