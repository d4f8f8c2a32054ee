"""A rate limiter on Redis: at most RATE_LIMIT calls per client in any
window of RATE_WINDOW_SECONDS seconds.
"""
import os

import redis

LIMIT = int(os.environ["RATE_LIMIT"])
WINDOW = int(os.environ["RATE_WINDOW_SECONDS"])

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def allow(client_id):
    """Records a call of client_id and says whether it may go ahead.

    TODO: count the client's calls in Redis, per window, and refuse the
    calls over LIMIT.
    """
    return True
