"""A reliable work queue on Redis: a job taken by a worker that crashes
before it finished is not lost, and no job is done twice.

REDIS_URL says where Redis is; r is the client (values come back as str).
"""
import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def push(job):
    """Adds job (a str) at the end of the queue.

    TODO
    """


def process_one(handler):
    """Takes the oldest waiting job, calls handler(job), and only then
    marks the job done. Returns True, or False (without calling handler)
    when no job is waiting.

    TODO: take the job so that it is not lost if the worker dies in
    handler (a processing list, or a stream's consumer group).
    """
    return False


def recover():
    """Called when a worker starts, before its first process_one: makes
    sure that the jobs a crashed worker took and did not finish are done.
    Only one worker runs at a time.

    TODO
    """
