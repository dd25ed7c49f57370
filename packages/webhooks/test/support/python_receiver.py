"""Webhook receiver on 127.0.0.1 that checks signatures the documented way.

Prints its port on the first line of stdout. POST <any path>: 204 when
X-Attesta-Signature matches HMAC-SHA256 of the raw body, 401 otherwise.
GET /results: JSON list of what it saw. Exits after --max-seconds so a broken
test cannot leave it running.
"""
import hashlib
import hmac
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = sys.argv[1].encode("utf-8")
MAX_SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
results = []


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        header = self.headers.get("X-Attesta-Signature", "")
        expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, header)
        entry = {"valid": valid, "delivery": self.headers.get("X-Attesta-Delivery")}
        if valid:
            payload = json.loads(body.decode("utf-8"))
            entry.update(event=payload["event"], timestamp=payload["timestamp"], data=payload["data"])
        results.append(entry)
        self.send_response(204 if valid else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        out = json.dumps(results).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Timer(MAX_SECONDS, server.shutdown).start()
print(server.server_address[1], flush=True)
server.serve_forever()
