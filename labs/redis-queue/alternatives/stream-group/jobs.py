"""A stream with a consumer group: a job read with XREADGROUP stays in
the group's pending entries until XACK. Every worker reads as the same
consumer, so a new worker first reads that consumer's pending entries
(id 0): the jobs the killed one had taken."""
import os

import redis

STREAM, GROUP, CONSUMER = "jobs", "workers", "worker"
r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def _group():
    try:
        r.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    except redis.ResponseError as e:
        if "BUSYGROUP" not in str(e):
            raise


def push(job):
    _group()
    r.xadd(STREAM, {"job": job})


def process_one(handler):
    _group()
    for start in ("0", ">"):  # first what was taken and never acked
        got = r.xreadgroup(GROUP, CONSUMER, {STREAM: start}, count=1)
        entries = got[0][1] if got else []
        if entries:
            entry_id, fields = entries[0]
            handler(fields["job"])
            r.xack(STREAM, GROUP, entry_id)
            r.xdel(STREAM, entry_id)
            return True
    return False


def recover():
    # process_one reads the pending entries first: nothing to do here.
    pass
