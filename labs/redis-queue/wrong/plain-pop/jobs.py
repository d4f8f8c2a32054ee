import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def push(job):
    r.rpush("queue", job)


def process_one(handler):
    job = r.lpop("queue")
    if job is None:
        return False
    try:
        handler(job)
    except Exception:
        r.lpush("queue", job)  # put back on failure; a crash never gets here
        raise
    return True


def recover():
    pass
