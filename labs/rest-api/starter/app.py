"""A small REST API over the items table. See README.md for what each
endpoint must answer; `lab check` starts this file with python3 and sends
it HTTP requests on port 8000."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2  # noqa: F401  (the Postgres driver: psycopg2.connect(os.environ["DATABASE_URL"]))

PORT = 8000


class Handler(BaseHTTPRequestHandler):
    def send_json(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        # TODO: GET /items (with ?limit=&offset=) and GET /items/<id>.
        self.send_json(501, {"error": "not implemented yet"})

    # TODO: do_POST, do_PUT, do_DELETE, and the methods no path supports.


if __name__ == "__main__":
    print(f"listening on 0.0.0.0:{PORT}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
