"""Cache-aside: SET and EXPIRE in one MULTI/EXEC, rows as RealDictCursor
dicts; update_user_email returns the updated row."""
import json
import os

import psycopg2
import psycopg2.extras
import redis

CACHE_TTL = 600


class UserCache:
    def __init__(self):
        self.redis = redis.Redis.from_url(os.environ["REDIS_URL"])
        self.pg = psycopg2.connect(os.environ["DATABASE_URL"],
                                   cursor_factory=psycopg2.extras.RealDictCursor)

    @staticmethod
    def key(user_id):
        return "user:%d" % user_id

    def get(self, user_id):
        cached = self.redis.get(self.key(user_id))
        if cached is not None:
            return json.loads(cached.decode("utf-8"))
        with self.pg, self.pg.cursor() as cur:
            cur.execute("SELECT id, name, email FROM users WHERE id = %(id)s", {"id": user_id})
            row = cur.fetchone()
        if row is None:
            return None
        user = dict(row)
        with self.redis.pipeline(transaction=True) as tx:
            tx.set(self.key(user_id), json.dumps(user))
            tx.expire(self.key(user_id), CACHE_TTL)
            tx.execute()
        return user

    def update_email(self, user_id, email):
        with self.pg, self.pg.cursor() as cur:
            cur.execute("UPDATE users SET email = %s WHERE id = %s RETURNING id, name, email", (email, user_id))
            row = cur.fetchone()
        self.redis.unlink(self.key(user_id))
        return dict(row) if row else None


_cache = UserCache()


def get_user(user_id):
    return _cache.get(user_id)


def update_user_email(user_id, email):
    return _cache.update_email(user_id, email)
