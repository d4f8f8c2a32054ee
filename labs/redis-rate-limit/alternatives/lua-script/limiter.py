"""Fixed window in one Lua script: INCR, and EXPIRE on the first call."""
import os
import time

import redis

LIMIT = int(os.environ["RATE_LIMIT"])
WINDOW = int(os.environ["RATE_WINDOW_SECONDS"])

r = redis.Redis.from_url(os.environ["REDIS_URL"])

_count = r.register_script("""
local n = redis.call('INCR', KEYS[1])
if n == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return n
""")


def allow(client_id):
    window = int(time.time()) // WINDOW
    print(f"allow({client_id!r}) in window {window}")
    n = _count(keys=[f"ratelimit:{client_id}:{window}"], args=[WINDOW + 1])
    return n <= LIMIT
