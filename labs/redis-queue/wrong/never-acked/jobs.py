"""Wrong: a finished job is never removed from the processing list, so recover() puts it back."""
import os

import redis

WAITING = "jobs:waiting"
PROCESSING = "jobs:processing"

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def push(job):
    r.rpush(WAITING, job)


def process_one(handler):
    job = r.lmove(WAITING, PROCESSING, "LEFT", "RIGHT")
    if job is None:
        return False
    handler(job)
    return True


def recover():
    # The oldest unfinished job goes back first, to the very front.
    while r.lmove(PROCESSING, WAITING, "RIGHT", "LEFT") is not None:
        pass
