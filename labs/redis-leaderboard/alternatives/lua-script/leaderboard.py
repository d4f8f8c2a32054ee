"""A hash of totals and a sorted set kept with it by a Lua script: the
set's score is -total, so ZRANGE gives the board's order."""
import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)

ADD = r.register_script("""
local total = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], -total, ARGV[1])
return total
""")


def add_points(player, points):
    return ADD(keys=["lb:totals", "lb:order"], args=[player, points])


def top(n):
    if n < 1:
        return []
    names = r.zrange("lb:order", 0, n - 1)
    if not names:
        return []
    totals = r.hmget("lb:totals", names)
    return list(zip(names, (int(t) for t in totals)))


def rank(player):
    i = r.zrank("lb:order", player)
    return i + 1 if i is not None else None
