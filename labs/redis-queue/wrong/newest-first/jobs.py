"""Wrong: LPUSH, then LMOVE from the left: the newest job first."""
import os

import redis

WAITING = "jobs:waiting"
PROCESSING = "jobs:processing"

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def push(job):
    r.lpush(WAITING, job)


def process_one(handler):
    job = r.lmove(WAITING, PROCESSING, "LEFT", "RIGHT")
    if job is None:
        return False
    handler(job)
    r.lrem(PROCESSING, 1, job)
    return True


def recover():
    # The oldest unfinished job goes back first, to the very front.
    while r.lmove(PROCESSING, WAITING, "RIGHT", "LEFT") is not None:
        pass
