"""A Redis cache in front of the users table (cache-aside).

DATABASE_URL and REDIS_URL say where Postgres and Redis are; the helpers
below connect once per process.
"""
import json
import os

import psycopg2
import redis

_db = None
_redis = None


def db():
    """The connection to Postgres (autocommit: each statement is saved)."""
    global _db
    if _db is None:
        _db = psycopg2.connect(os.environ["DATABASE_URL"])
        _db.autocommit = True
    return _db


def cache():
    """The client of Redis; values come back as str."""
    global _redis
    if _redis is None:
        _redis = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    return _redis


def load_user(user_id):
    """Reads one user from Postgres: a dict, or None when there is none."""
    with db().cursor() as cur:
        cur.execute("SELECT id, name, email FROM users WHERE id = %s", (user_id,))
        row = cur.fetchone()
    if row is None:
        return None
    return {"id": row[0], "name": row[1], "email": row[2]}


def get_user(user_id):
    """Returns user user_id as {"id", "name", "email"}, or None.

    TODO: look in Redis first (key user:<id>, the user as JSON); on a miss,
    read Postgres and keep the answer in Redis with a TTL.
    """
    raise NotImplementedError("get_user")


def update_user_email(user_id, email):
    """Changes the user's email in Postgres.

    TODO: and make sure the next get_user does not return the old email.
    """
    raise NotImplementedError("update_user_email")
