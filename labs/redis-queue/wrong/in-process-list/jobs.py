waiting = []


def push(job):
    waiting.append(job)


def process_one(handler):
    if not waiting:
        return False
    handler(waiting[0])
    waiting.pop(0)
    return True


def recover():
    pass
