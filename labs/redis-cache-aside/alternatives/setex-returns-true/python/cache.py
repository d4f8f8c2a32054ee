"""Cache-aside with SETEX; update_user_email says True, and prints as it goes."""
import json
import os

import psycopg2
import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
conn = psycopg2.connect(os.environ["DATABASE_URL"])
conn.autocommit = True


def get_user(user_id):
    raw = r.get(f"user:{user_id}")
    if raw:
        print("cache hit", user_id)
        return json.loads(raw)
    print("cache miss", user_id)
    cur = conn.cursor()
    cur.execute("SELECT id, name, email FROM users WHERE id = %s", (user_id,))
    row = cur.fetchone()
    cur.close()
    if not row:
        return None
    user = dict(zip(("id", "name", "email"), row))
    r.setex(f"user:{user_id}", 120, json.dumps(user))
    return user


def update_user_email(user_id, email):
    cur = conn.cursor()
    cur.execute("UPDATE users SET email = %s WHERE id = %s", (email, user_id))
    cur.close()
    r.delete(f"user:{user_id}")
    print("updated", user_id, email)
    return True
