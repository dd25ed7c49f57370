"""Attesta webhook receiver in plain Python: standard library only."""
import hashlib
import hmac
import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlsplit

SECRET = os.environ.get("ATTESTA_WEBHOOK_SECRET", "").encode()
if not SECRET:
    raise SystemExit("Set ATTESTA_WEBHOOK_SECRET to the secret the sender signs with.")


class AttestaWebhook(BaseHTTPRequestHandler):
    def do_POST(self):
        if urlsplit(self.path).path != "/webhooks/attesta":
            self.send_response(404)
            self.end_headers()
            return
        # Sign the exact bytes received: re-serialised JSON would not match.
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        received = self.headers.get("X-Attesta-Signature", "")
        if not hmac.compare_digest(expected.encode(), received.encode()):
            self.send_response(401)
            self.end_headers()
            return
        payload = json.loads(body)
        print(payload["event"], payload["data"]["action_name"], "by", payload["data"]["agent_id"], flush=True)
        self.send_response(204)
        self.end_headers()


server = HTTPServer(("127.0.0.1", int(os.environ.get("PORT", "3000"))), AttestaWebhook)
print(f"Listening on http://127.0.0.1:{server.server_port}/webhooks/attesta", flush=True)
server.serve_forever()
