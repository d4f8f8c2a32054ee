"""Counts a visit: adds one to the key visits in Redis and prints the new count."""
import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"])
print(r.incr("visits"))
