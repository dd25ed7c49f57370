/**
 * Cross-language fixtures produced by the real python3 `json` and `hmac` modules.
 *
 * @module
 */
import { execFileSync } from "node:child_process";

export interface PythonDelivery {
  /** What the payload exercises. */
  label: string;
  /** The exact bytes Python would send. */
  body: Buffer;
  /** `sha256=<hex>` computed by Python's hmac module. */
  signature: string;
}

const MAKE_DELIVERIES = String.raw`
import base64, hashlib, hmac, json, sys
from datetime import datetime, timezone
secret = sys.argv[1].encode()
# Sent now, as the Python library stamps deliveries, so receivers' age checks pass.
now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
payloads = [
    ("default separators", {"event": "APPROVED", "timestamp": now,
      "data": {"agent_id": "agent-7", "action_name": "deploy", "risk_score": 1.0, "risk_level": "low"}}, None),
    ("compact separators", {"event": "DENIED", "timestamp": now,
      "data": {"agent_id": "a", "action_name": "rm -rf /", "reason": "too risky", "risk_score": 0.95}}, (",", ":")),
    ("ASCII escapes of non-ASCII text", {"event": "ESCALATED", "timestamp": now,
      "data": {"agent_id": "r\u00e9sum\u00e9-\u65e5\u672c-\U0001F600", "action_name": "caf\u00e9 \"quoted\" \\ back\nslash",
               "reason": "\u2028 line separator"}}, None),
    ("floats, exponents and big integers", {"event": "RISK_SCORED", "timestamp": now,
      "data": {"agent_id": "x", "action_name": "y", "risk_score": 1e-07, "risk_level": "critical",
               "metadata": {"big": 12345678901234567890, "neg": -0.0, "f": 100.0, "t": True, "n": None}}}, (",", ":")),
]
out = []
for label, payload, separators in payloads:
    body = json.dumps(payload, separators=separators).encode()
    signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    out.append({"label": label, "body": base64.b64encode(body).decode(), "signature": signature})
print(json.dumps(out))
`;

const memo = new Map<string, PythonDelivery[]>();

/**
 * Webhook bodies serialised by Python's `json.dumps` (ASCII escapes, `1.0`
 * floats) and signed by Python's `hmac`.
 */
export function pythonDeliveries(secret: string): PythonDelivery[] {
  // python3 takes a while to start on a busy machine; one run per secret is enough.
  const cached = memo.get(secret);
  if (cached) return cached;
  const out = execFileSync("python3", ["-c", MAKE_DELIVERIES, secret], { encoding: "utf8" });
  const deliveries = (JSON.parse(out) as { label: string; body: string; signature: string }[]).map(
    (item) => ({
      label: item.label,
      body: Buffer.from(item.body, "base64"),
      signature: item.signature,
    }),
  );
  memo.set(secret, deliveries);
  return deliveries;
}

const CHECK_SIGNATURES = `
import base64, hashlib, hmac, json, sys
results = []
for item in json.load(sys.stdin):
    expected = "sha256=" + hmac.new(item["secret"].encode(), base64.b64decode(item["body"]), hashlib.sha256).hexdigest()
    results.append(hmac.compare_digest(expected, item["signature"]))
print(json.dumps(results))
`;

/** Checks each signature with Python's `hmac.compare_digest`, as the Python library does. */
export function pythonVerifies(
  items: { body: Uint8Array; secret: string; signature: string }[],
): boolean[] {
  const input = JSON.stringify(
    items.map((item) => ({ ...item, body: Buffer.from(item.body).toString("base64") })),
  );
  return JSON.parse(
    execFileSync("python3", ["-c", CHECK_SIGNATURES], { input, encoding: "utf8" }),
  ) as boolean[];
}

const STANDARD_SIGNATURES = `
import base64, hashlib, hmac, json, sys
out = []
for item in json.load(sys.stdin):
    key = base64.b64decode(item["secret"].removeprefix("whsec_"))
    content = f"{item['id']}.{item['timestamp']}.".encode() + base64.b64decode(item["body"])
    out.append("v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode())
print(json.dumps(out))
`;

/** Standard Webhooks `v1` signatures computed by Python's `hmac`, one per item. */
export function pythonStandardSignatures(
  items: { body: Uint8Array; id: string; timestamp: number; secret: string }[],
): string[] {
  const input = JSON.stringify(
    items.map((item) => ({ ...item, body: Buffer.from(item.body).toString("base64") })),
  );
  return JSON.parse(
    execFileSync("python3", ["-c", STANDARD_SIGNATURES], { input, encoding: "utf8" }),
  ) as string[];
}
