"""A game's leaderboard, kept in a Redis sorted set.

REDIS_URL says where Redis is; r is the client (names come back as str).
"""
import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def add_points(player, points):
    """Adds points to the player's total; a new player starts at 0.

    TODO: keep the totals in Redis.
    """


def top(n):
    """The n best players as [(player, total), ...]: the highest total
    first, players with the same total by name, A to Z.

    TODO
    """
    return []


def rank(player):
    """The player's position in that order (1 for the best), or None for
    a player with no points recorded.

    TODO
    """
    return None
