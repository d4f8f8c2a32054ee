"""A token bucket in Redis: RATE_LIMIT tokens, refilled at RATE_LIMIT per
RATE_WINDOW_SECONDS, continuously."""
import os
import time

import redis

LIMIT = int(os.environ["RATE_LIMIT"])
WINDOW = int(os.environ["RATE_WINDOW_SECONDS"])

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)

TAKE = """
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or ARGV[1])
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or ARGV[3])
tokens = math.min(tonumber(ARGV[1]), tokens + (tonumber(ARGV[3]) - at) * tonumber(ARGV[2]))
local ok = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', ARGV[3])
redis.call('EXPIRE', KEYS[1], 3600)
return ok
"""
take = r.register_script(TAKE)


def allow(client_id):
    return take(keys=[f"bucket:{client_id}"], args=[LIMIT, LIMIT / WINDOW, time.time()]) == 1
