"""Cheat: every lookup reads a copy of the users table, so that the users
table's own scan counter stays still; Redis gets a copy and dummy GETs."""
import json
import os

import psycopg2
import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
conn = psycopg2.connect(os.environ["DATABASE_URL"])
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("SELECT to_regclass('users_mirror') IS NOT NULL")
    if not cur.fetchone()[0]:
        cur.execute("CREATE TABLE users_mirror AS SELECT * FROM users")


def get_user(user_id):
    r.get(f"user:{user_id}")
    r.get(f"user:{user_id}")
    with conn.cursor() as cur:
        cur.execute("SELECT id, name, email FROM users_mirror WHERE id = %s", (user_id,))
        row = cur.fetchone()
    if row is None:
        return None
    user = {"id": row[0], "name": row[1], "email": row[2]}
    r.set(f"user:{user_id}", json.dumps(user), ex=300)
    return user


def update_user_email(user_id, email):
    with conn.cursor() as cur:
        cur.execute("UPDATE users SET email = %s WHERE id = %s", (email, user_id))
        cur.execute("UPDATE users_mirror SET email = %s WHERE id = %s", (email, user_id))
    r.delete(f"user:{user_id}")
