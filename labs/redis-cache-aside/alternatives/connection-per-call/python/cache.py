"""Cache-aside with a connection per call and logging to stdout; SET with
px (milliseconds); the cache entry is dropped before and after the write."""
import json
import logging
import os
import sys
from contextlib import closing

import psycopg2
import redis

logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("cache")


def _redis():
    return redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def get_user(user_id):
    key = "user:" + str(user_id)
    with _redis() as r:
        hit = r.get(key)
        if hit is not None:
            log.info("hit %s", key)
            return json.loads(hit)
        with closing(psycopg2.connect(os.environ["DATABASE_URL"])) as conn, conn.cursor() as cur:
            cur.execute("SELECT id, name, email FROM users WHERE id = %s", (user_id,))
            row = cur.fetchone()
        if row is None:
            log.info("no user %s", user_id)
            return None
        user = {"id": row[0], "name": row[1], "email": row[2]}
        r.set(key, json.dumps(user, separators=(",", ":")), px=5 * 60 * 1000)
        log.info("loaded %s", key)
        return user


def update_user_email(user_id, email):
    key = "user:" + str(user_id)
    with _redis() as r:
        r.delete(key)
        with closing(psycopg2.connect(os.environ["DATABASE_URL"])) as conn:
            with conn, conn.cursor() as cur:
                cur.execute("UPDATE users SET email = %s WHERE id = %s", (email, user_id))
        r.delete(key)
