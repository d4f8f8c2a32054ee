"""Counts a visit: adds one to the key visits in Redis and prints the new count."""
import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"])

# TODO (learner): add one to visits and print the new count.
print(0)
