"""A game's leaderboard in a Redis sorted set.

Redis orders members of equal score by name, A to Z, when it reads
from the lowest score up; from the highest down (ZREVRANGE) ties come
Z to A. So the set holds each total negated: ZRANGE, lowest first, is
then the highest total first with ties by name A to Z, and ZRANK is the
position in that very order.
"""
import os

import redis

KEY = "leaderboard"

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def add_points(player, points):
    r.zincrby(KEY, -points, player)


def top(n):
    if n <= 0:
        return []
    return [(player, -int(score)) for player, score in r.zrange(KEY, 0, n - 1, withscores=True)]


def rank(player):
    position = r.zrank(KEY, player)
    return None if position is None else position + 1
