"""A small REST API over the items table: list, create, read, replace, delete."""
import json
import os
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2
import psycopg2.errors

PORT = 8000
ITEM_PATH = re.compile(r"^/items/(\d+)$")


def connect():
    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    conn.autocommit = True
    return conn


def as_item(row):
    return {"id": row[0], "name": row[1], "price": row[2]}


class BadRequest(Exception):
    pass


def parse_item(raw):
    """The item a request body describes, or BadRequest saying why not."""
    data = json.loads(raw or b"")
    return data.get("name"), data.get("price")


def page_params(query):
    """limit and offset of a list request: limit 1..100 (default 10), offset >= 0."""
    params = dict(p.split("=", 1) if "=" in p else (p, "") for p in query.split("&") if p)
    try:
        limit = int(params.get("limit", "10"))
        offset = int(params.get("offset", "0"))
    except ValueError:
        raise BadRequest("limit and offset must be integers")
    if not 1 <= limit <= 100 or offset < 0:
        raise BadRequest("limit must be between 1 and 100 and offset at least 0")
    return limit, offset


class Handler(BaseHTTPRequestHandler):
    def send_json(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, message, headers=()):
        self.send_json(status, {"error": message}, headers)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def route(self, method):
        path, _, query = self.path.partition("?")
        conn = connect()
        try:
            with conn.cursor() as cur:
                if path == "/items":
                    if method == "GET":
                        return self.list_items(cur, query)
                    if method == "POST":
                        return self.create(cur)
                    return self.error(405, "use GET or POST on /items", [("Allow", "GET, POST")])
                m = ITEM_PATH.match(path)
                if not m:
                    return self.error(404, "no such path")
                item_id = int(m.group(1))
                if method == "GET":
                    return self.read(cur, item_id)
                if method == "PUT":
                    return self.replace(cur, item_id)
                if method == "DELETE":
                    return self.delete(cur, item_id)
                return self.error(405, "use GET, PUT or DELETE on an item", [("Allow", "GET, PUT, DELETE")])
        except BadRequest as e:
            return self.error(400, str(e))
        except psycopg2.errors.UniqueViolation:
            return self.error(409, "an item with that name exists")
        finally:
            conn.close()

    def list_items(self, cur, query):
        limit, offset = page_params(query)
        cur.execute("SELECT id, name, price_cents FROM items ORDER BY id LIMIT %s OFFSET %s", (limit, offset))
        self.send_json(200, {"items": [as_item(r) for r in cur.fetchall()]})

    def create(self, cur):
        name, price = parse_item(self.body())
        cur.execute("INSERT INTO items (name, price_cents) VALUES (%s, %s) RETURNING id, name, price_cents", (name, price))
        item = as_item(cur.fetchone())
        self.send_json(201, item, [("Location", f"/items/{item['id']}")])

    def read(self, cur, item_id):
        cur.execute("SELECT id, name, price_cents FROM items WHERE id = %s", (item_id,))
        row = cur.fetchone()
        if row is None:
            return self.error(404, f"no item {item_id}")
        self.send_json(200, as_item(row))

    def replace(self, cur, item_id):
        name, price = parse_item(self.body())
        cur.execute("UPDATE items SET name = %s, price_cents = %s WHERE id = %s RETURNING id, name, price_cents", (name, price, item_id))
        row = cur.fetchone()
        if row is None:
            return self.error(404, f"no item {item_id}")
        self.send_json(200, as_item(row))

    def delete(self, cur, item_id):
        cur.execute("DELETE FROM items WHERE id = %s", (item_id,))
        if cur.rowcount == 0:
            return self.error(404, f"no item {item_id}")
        self.send_response(204)
        self.end_headers()

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PUT(self):
        self.route("PUT")

    def do_DELETE(self):
        self.route("DELETE")

    def do_PATCH(self):
        self.route("PATCH")


if __name__ == "__main__":
    print(f"listening on 0.0.0.0:{PORT}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
