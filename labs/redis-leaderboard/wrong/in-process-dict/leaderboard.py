totals = {}


def add_points(player, points):
    totals[player] = totals.get(player, 0) + points


def _ordered():
    return sorted(totals.items(), key=lambda row: (-row[1], row[0]))


def top(n):
    return _ordered()[:max(n, 0)]


def rank(player):
    names = [p for p, _ in _ordered()]
    return names.index(player) + 1 if player in names else None
