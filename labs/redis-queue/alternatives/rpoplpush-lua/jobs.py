"""RPOPLPUSH to take a job (the old spelling of LMOVE), and a Lua script
that finishes it: the job leaves the processing list and a done-counter
goes up in one step."""
import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)

FINISH = r.register_script("""
redis.call('LREM', KEYS[1], 1, ARGV[1])
return redis.call('INCR', KEYS[2])
""")
RECOVER = r.register_script("""
local n = 0
while redis.call('RPOPLPUSH', KEYS[1], KEYS[2]) do n = n + 1 end
return n
""")


def push(job):
    r.lpush("work:queue", job)


def process_one(handler):
    job = r.rpoplpush("work:queue", "work:busy")
    if job is None:
        return False
    handler(job)
    FINISH(keys=["work:busy", "work:finished"], args=[job])
    return True


def recover():
    RECOVER(keys=["work:busy", "work:queue"])
