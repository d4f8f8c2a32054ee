"""A fixed-window rate limiter on Redis."""
import os
import time

import redis

LIMIT = int(os.environ["RATE_LIMIT"])
WINDOW = 1  # typed in instead of read from RATE_WINDOW_SECONDS

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def allow(client_id):
    # One counter per client and window; it expires with the window, so
    # Redis holds only the counters that still matter.
    window = int(time.time() // WINDOW)
    key = f"rate:{client_id}:{window}"
    pipe = r.pipeline()
    pipe.incr(key)
    pipe.expire(key, WINDOW * 2)
    count, _ = pipe.execute()
    return count <= LIMIT
