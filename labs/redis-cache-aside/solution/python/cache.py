"""A Redis cache in front of the users table (cache-aside)."""
import json
import os

import psycopg2
import redis

TTL_SECONDS = 300  # long enough to help, short enough to heal a miss

_db = None
_redis = None


def db():
    global _db
    if _db is None:
        _db = psycopg2.connect(os.environ["DATABASE_URL"])
        _db.autocommit = True
    return _db


def cache():
    global _redis
    if _redis is None:
        _redis = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    return _redis


def load_user(user_id):
    with db().cursor() as cur:
        cur.execute("SELECT id, name, email FROM users WHERE id = %s", (user_id,))
        row = cur.fetchone()
    if row is None:
        return None
    return {"id": row[0], "name": row[1], "email": row[2]}


def key(user_id):
    return f"user:{user_id}"


def get_user(user_id):
    cached = cache().get(key(user_id))
    if cached is not None:
        return json.loads(cached)
    user = load_user(user_id)
    if user is not None:
        cache().set(key(user_id), json.dumps(user), ex=TTL_SECONDS)
    return user


def update_user_email(user_id, email):
    with db().cursor() as cur:
        cur.execute("UPDATE users SET email = %s WHERE id = %s", (email, user_id))
    # Invalidate after the write: the next read loads the new row.
    cache().delete(key(user_id))
