"""Real totals in the sorted set. top reads one tie group at a time;
rank counts who is ahead: a higher total, or the same and an earlier name."""
import os

import redis

BOARD = "game:board"
r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def add_points(player, points):
    r.zincrby(BOARD, points, player)


def top(n):
    out = []
    best = "+inf"
    while len(out) < n:
        head = r.zrevrangebyscore(BOARD, best, "-inf", start=0, num=1, withscores=True)
        if not head:
            break
        score = head[0][1]
        group = sorted(r.zrangebyscore(BOARD, score, score))
        out += [(p, int(score)) for p in group]
        best = f"({score}"
    return out[:n] if n > 0 else []


def rank(player):
    score = r.zscore(BOARD, player)
    if score is None:
        return None
    above = r.zcount(BOARD, f"({score}", "+inf")
    same = r.zrangebyscore(BOARD, score, score)
    return above + sum(1 for p in same if p < player) + 1
