import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"])  # bytes


def push(job):
    r.lpush(b"q:todo", job)


def process_one(handler):
    # Wait a little for a job; None after the timeout: the queue is empty.
    raw = r.blmove(b"q:todo", b"q:doing", 0.05, src="RIGHT", dest="LEFT")
    if raw is None:
        return False
    handler(raw.decode())
    r.lrem(b"q:doing", -1, raw)
    return True


def recover():
    # q:doing holds the newest on the left; the oldest goes back last,
    # to the right end of q:todo, the next taken.
    while r.lmove(b"q:doing", b"q:todo", "LEFT", "RIGHT"):
        pass
