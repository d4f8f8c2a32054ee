"""A counter per client whose expiry every call renews."""
import os

import redis

LIMIT = int(os.environ["RATE_LIMIT"])
WINDOW = int(os.environ["RATE_WINDOW_SECONDS"])

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def allow(client_id):
    key = f"rate:{client_id}"
    pipe = r.pipeline()
    pipe.incr(key)
    # Renewed on every call: the window never ends while the client calls.
    pipe.expire(key, WINDOW)
    count, _ = pipe.execute()
    return count <= LIMIT
