"""Wrong: recover() does nothing: a killed worker's job stays in the processing list."""
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
    r.lrem(PROCESSING, 1, job)
    return True


def recover():
    pass
