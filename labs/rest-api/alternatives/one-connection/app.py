"""Items API: one connection for the process, SQL does the checking
(constraint errors by SQLSTATE), and one handler for every method."""
import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

import psycopg2

conn = psycopg2.connect(os.environ["DATABASE_URL"])
conn.autocommit = True

UNIQUE_VIOLATION = "23505"
COLS = "id, name, price_cents AS price"


def rows_as_dicts(cur):
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


class Problem(Exception):
    def __init__(self, status, text, allow=None):
        super().__init__(text)
        self.status, self.allow = status, allow


def body_fields(handler):
    length = int(handler.headers.get("Content-Length") or 0)
    try:
        data = json.loads(handler.rfile.read(length).decode("utf-8"))
        name, price = data["name"], data["price"]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise Problem(400, "send a JSON object with name and price")
    if type(name) is not str or not name.strip() or type(price) is not int or price < 0:
        raise Problem(400, "name: non-empty string; price: integer cents >= 0")
    return name, price


def query_args(query):
    args = {}
    for part in filter(None, query.split("&")):
        k, _, v = part.partition("=")
        args[k] = v
    try:
        limit = int(args.get("limit", 10))
        offset = int(args.get("offset", 0))
    except ValueError:
        raise Problem(400, "limit and offset are integers")
    if limit not in range(1, 101) or offset < 0:
        raise Problem(400, "limit is 1 to 100; offset is 0 or more")
    return limit, offset


class Handler(BaseHTTPRequestHandler):
    def handle_any(self):
        path, _, query = self.path.partition("?")
        parts = path.strip("/").split("/")
        try:
            if parts == ["items"]:
                status, out, extra = self.collection(query)
            elif len(parts) == 2 and parts[0] == "items" and parts[1].isdigit():
                status, out, extra = self.member(int(parts[1]))
            else:
                raise Problem(404, "unknown path")
        except Problem as p:
            status, out, extra = p.status, {"error": str(p)}, ({"Allow": p.allow} if p.allow else {})
        except psycopg2.Error as e:
            if e.pgcode != UNIQUE_VIOLATION:
                raise
            status, out, extra = 409, {"error": "name already used"}, {}
        self.send_response(status)
        for k, v in extra.items():
            self.send_header(k, v)
        payload = b"" if out is None else json.dumps(out).encode()
        if out is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def collection(self, query):
        with conn.cursor() as cur:
            if self.command == "GET":
                limit, offset = query_args(query)
                cur.execute(f"SELECT {COLS} FROM items ORDER BY id LIMIT %s OFFSET %s", (limit, offset))
                return 200, {"items": rows_as_dicts(cur)}, {}
            if self.command == "POST":
                name, price = body_fields(self)
                cur.execute(f"INSERT INTO items (name, price_cents) VALUES (%s, %s) RETURNING {COLS}", (name, price))
                new = rows_as_dicts(cur)[0]
                return 201, new, {"Location": "/items/%d" % new["id"]}
        raise Problem(405, "not allowed here", "GET, POST")

    def member(self, item_id):
        with conn.cursor() as cur:
            if self.command == "GET":
                cur.execute(f"SELECT {COLS} FROM items WHERE id = %s", (item_id,))
            elif self.command == "PUT":
                name, price = body_fields(self)
                cur.execute(f"UPDATE items SET name = %s, price_cents = %s WHERE id = %s RETURNING {COLS}", (name, price, item_id))
            elif self.command == "DELETE":
                cur.execute("DELETE FROM items WHERE id = %s RETURNING id", (item_id,))
                if cur.fetchone() is None:
                    raise Problem(404, "no such item")
                return 204, None, {}
            else:
                raise Problem(405, "not allowed here", "GET, PUT, DELETE")
            found = rows_as_dicts(cur)
            if not found:
                raise Problem(404, "no such item")
            return 200, found[0], {}

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


HTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
