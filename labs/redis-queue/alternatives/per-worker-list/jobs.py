"""Each worker has a processing list of its own (a random id); recover()
finds the lists of the workers before it with SCAN and moves their jobs back."""
import os
import uuid

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
ME = "q:doing:" + uuid.uuid4().hex


def push(job):
    r.rpush("q", job)


def process_one(handler):
    job = r.lmove("q", ME, "LEFT", "LEFT")
    if job is None:
        return False
    handler(job)
    r.lrem(ME, 1, job)
    return True


def recover():
    for key in r.scan_iter("q:doing:*"):
        if key == ME:
            continue
        while r.lmove(key, "q", "RIGHT", "LEFT"):
            pass
