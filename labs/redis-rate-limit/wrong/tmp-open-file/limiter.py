"""Cheat: counts in a file of /tmp that both servers open at import. The
checks delete it between steps, but the open handles still share it."""
import fcntl
import json
import os
import time

LIMIT = int(os.environ["RATE_LIMIT"])
WINDOW = int(os.environ["RATE_WINDOW_SECONDS"])

counts = open("/tmp/rate-counts.json", "a+")


def allow(client_id):
    fcntl.flock(counts, fcntl.LOCK_EX)
    try:
        counts.seek(0)
        data = json.loads(counts.read() or "{}")
        key = f"{client_id}:{int(time.time() // WINDOW)}"
        data[key] = data.get(key, 0) + 1
        counts.seek(0)
        counts.truncate()
        counts.write(json.dumps(data))
        counts.flush()
        return data[key] <= LIMIT
    finally:
        fcntl.flock(counts, fcntl.LOCK_UN)
