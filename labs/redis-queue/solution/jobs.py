"""A reliable work queue on Redis lists.

A job waits in jobs:waiting. A worker moves it, in one atomic LMOVE, to
jobs:processing, runs it, and only then removes it from there (LREM):
a worker that dies in between leaves the job in jobs:processing, and
the next worker's recover() moves it back to the front of jobs:waiting.
"""
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
    # The oldest unfinished job goes back first, to the very front.
    while r.lmove(PROCESSING, WAITING, "RIGHT", "LEFT") is not None:
        pass
