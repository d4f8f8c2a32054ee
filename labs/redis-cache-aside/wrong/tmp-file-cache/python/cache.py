"""Cheat: the cache is a file in /tmp; Redis gets a copy and dummy GETs so
that its key and its hit counter look right."""
import json
import os

import psycopg2
import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
conn = psycopg2.connect(os.environ["DATABASE_URL"])
conn.autocommit = True


def _path(user_id):
    return f"/tmp/user-{user_id}.json"


def get_user(user_id):
    r.get(f"user:{user_id}")  # a hit for the counter, never used
    if os.path.exists(_path(user_id)):
        with open(_path(user_id)) as f:
            return json.load(f)
    with conn.cursor() as cur:
        cur.execute("SELECT id, name, email FROM users WHERE id = %s", (user_id,))
        row = cur.fetchone()
    if row is None:
        return None
    user = {"id": row[0], "name": row[1], "email": row[2]}
    with open(_path(user_id), "w") as f:
        json.dump(user, f)
    r.set(f"user:{user_id}", json.dumps(user), ex=300)
    r.get(f"user:{user_id}")
    return user


def update_user_email(user_id, email):
    with conn.cursor() as cur:
        cur.execute("UPDATE users SET email = %s WHERE id = %s", (email, user_id))
    if os.path.exists(_path(user_id)):
        os.remove(_path(user_id))
    r.delete(f"user:{user_id}")
