"""Items API with a route table, parse_qs and a uniqueness check by query."""
import json
import os
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import psycopg2


class HTTPError(Exception):
    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status, self.headers = status, headers or {}


def db():
    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    conn.autocommit = True
    return conn


def item(row):
    return dict(zip(("id", "name", "price"), row))


def int_param(qs, name, default):
    values = qs.get(name)
    if not values:
        return default
    if not re.fullmatch(r"-?\d+", values[0]):
        raise HTTPError(400, f"{name} must be an integer")
    return int(values[0])


def valid_body(raw):
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise HTTPError(400, "invalid JSON")
    ok = (
        isinstance(body, dict)
        and isinstance(body.get("name"), str) and body["name"].strip() != ""
        and type(body.get("price")) is int and body["price"] >= 0
    )
    if not ok:
        raise HTTPError(400, "expected {\"name\": non-empty string, \"price\": integer >= 0}")
    return body["name"], body["price"]


def name_taken(cur, name, except_id=None):
    cur.execute("SELECT 1 FROM items WHERE name = %s AND id IS DISTINCT FROM %s", (name, except_id))
    return cur.fetchone() is not None


def list_items(h, cur, qs):
    limit, offset = int_param(qs, "limit", 10), int_param(qs, "offset", 0)
    if limit < 1 or limit > 100 or offset < 0:
        raise HTTPError(400, "limit must be 1..100, offset >= 0")
    cur.execute("SELECT id, name, price_cents FROM items ORDER BY id OFFSET %s LIMIT %s", (offset, limit))
    return 200, {"items": [item(r) for r in cur]}, {}


def create_item(h, cur, qs):
    name, price = valid_body(h.raw_body())
    if name_taken(cur, name):
        raise HTTPError(409, f"{name!r} exists")
    cur.execute("INSERT INTO items (name, price_cents) VALUES (%s, %s) RETURNING id, name, price_cents", (name, price))
    new = item(cur.fetchone())
    return 201, new, {"Location": f"http://{h.headers.get('Host', 'localhost')}/items/{new['id']}"}


def get_item(h, cur, qs, item_id):
    cur.execute("SELECT id, name, price_cents FROM items WHERE id = %s", (item_id,))
    row = cur.fetchone()
    if not row:
        raise HTTPError(404, "not found")
    return 200, item(row), {}


def put_item(h, cur, qs, item_id):
    name, price = valid_body(h.raw_body())
    get_item(h, cur, qs, item_id)
    if name_taken(cur, name, item_id):
        raise HTTPError(409, f"{name!r} exists")
    cur.execute("UPDATE items SET name = %s, price_cents = %s WHERE id = %s RETURNING id, name, price_cents", (name, price, item_id))
    return 200, item(cur.fetchone()), {}


def delete_item(h, cur, qs, item_id):
    get_item(h, cur, qs, item_id)
    cur.execute("DELETE FROM items WHERE id = %s", (item_id,))
    return 204, None, {}


ROUTES = [
    (re.compile(r"/items"), {"GET": list_items, "POST": create_item}),
    (re.compile(r"/items/(\d+)"), {"GET": get_item, "PUT": put_item, "DELETE": delete_item}),
]


class API(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def raw_body(self):
        return self.body

    def handle_one_request(self):
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():
            return
        self.dispatch()
        self.wfile.flush()

    def dispatch(self):
        # Read the body whatever the answer: on a kept-alive connection,
        # a body left unread would be taken for the next request.
        self.body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        url = urlsplit(self.path)
        try:
            for pattern, methods in ROUTES:
                m = pattern.fullmatch(url.path)
                if not m:
                    continue
                fn = methods.get(self.command)
                if fn is None:
                    raise HTTPError(405, "method not allowed", {"Allow": ", ".join(methods)})
                conn = db()
                try:
                    with conn.cursor() as cur:
                        status, body, headers = fn(self, cur, parse_qs(url.query), *map(int, m.groups()))
                finally:
                    conn.close()
                break
            else:
                raise HTTPError(404, "no such resource")
        except HTTPError as e:
            status, body, headers = e.status, {"error": str(e)}, e.headers
        self.reply(status, body, headers)

    def reply(self, status, body, headers):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if body is None:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


ThreadingHTTPServer(("", 8000), API).serve_forever()
