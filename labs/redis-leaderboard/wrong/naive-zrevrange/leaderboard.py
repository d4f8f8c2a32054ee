import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def add_points(player, points):
    r.zincrby("leaderboard", points, player)


def top(n):
    if n <= 0:
        return []
    return [(p, int(s)) for p, s in r.zrevrange("leaderboard", 0, n - 1, withscores=True)]


def rank(player):
    i = r.zrevrank("leaderboard", player)
    return None if i is None else i + 1
