"""Totals in a sorted set; the order with ties is made in Python."""
import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"])


def add_points(player, points):
    r.zincrby("scores", points, player)


def _ordered():
    rows = r.zrange("scores", 0, -1, withscores=True)
    return sorted(((p.decode(), int(s)) for p, s in rows), key=lambda row: (-row[1], row[0]))


def top(n):
    return _ordered()[:max(n, 0)]


def rank(player):
    for i, (name, _) in enumerate(_ordered(), start=1):
        if name == player:
            return i
    return None
