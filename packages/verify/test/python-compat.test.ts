import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sign as signNode, signStandardWebhook, verifySignature as verifyNode } from "../src/index";
import {
  sign as signWeb,
  verifySignature as verifyWeb,
  verifySignatureAsync as verifyWebAsync,
} from "../src/web/index";
import { pythonDeliveries, pythonStandardSignatures, pythonVerifies } from "./support/python";

const SECRET = "whsec_python_\u00e9";

describe("byte compatibility with the Python attesta library", () => {
  const deliveries = pythonDeliveries(SECRET);

  it("produces python json.dumps bodies with ASCII escapes and 1.0 floats", () => {
    const bodies = deliveries.map((delivery) => delivery.body.toString("latin1"));
    expect(bodies.some((body) => body.includes('"risk_score": 1.0'))).toBe(true);
    expect(bodies.some((body) => body.includes("\\u00e9") && body.includes("\\ud83d\\ude00"))).toBe(
      true,
    );
    expect(bodies.every((body) => /^[\x20-\x7e]*$/.test(body))).toBe(true);
  });

  it("verifies python-signed bodies as received, with every build", async () => {
    for (const { label, body, signature } of deliveries) {
      expect(verifyNode(body, signature, SECRET), label).toBe(true);
      expect(verifyWeb(body, signature, SECRET), label).toBe(true);
      expect(await verifyWebAsync(body, signature, SECRET), label).toBe(true);
    }
  });

  it("does not verify a python body re-serialised by JSON.stringify", () => {
    const { body, signature } = deliveries[0]!;
    const reserialised = JSON.stringify(JSON.parse(body.toString("utf8")));
    expect(reserialised).not.toBe(body.toString("utf8"));
    expect(verifyNode(reserialised, signature, SECRET)).toBe(false);
  });

  it("produces signatures python's hmac.compare_digest accepts, and python rejects tampered ones", () => {
    const bodies: Uint8Array[] = [
      new Uint8Array(0),
      Buffer.from('{"event":"APPROVED","timestamp":"2025-06-15T14:32:18.123+00:00","data":{}}'),
      Buffer.from("caf\u00e9 \u65e5\u672c \u{1f600}", "utf8"),
      randomBytes(1),
      randomBytes(64),
      randomBytes(4097),
    ];
    const items = bodies.flatMap((body) => [
      { body, secret: SECRET, signature: signNode(body, SECRET) },
      { body, secret: SECRET, signature: signWeb(body, SECRET) },
    ]);
    const tampered = items.map((item) => ({
      ...item,
      body: Buffer.concat([Buffer.from(item.body), Buffer.from(" ")]),
    }));
    const results = pythonVerifies([...items, ...tampered]);
    expect(results.slice(0, items.length)).toEqual(items.map(() => true));
    expect(results.slice(items.length)).toEqual(items.map(() => false));
  });
});

describe("Standard Webhooks signatures against Python's hmac", () => {
  it("match byte for byte for text, binary and empty bodies", () => {
    const secret = `whsec_${randomBytes(32).toString("base64")}`;
    const items = [
      Buffer.from('{"event":"APPROVED","data":{"agent_id":"r\u00e9sum\u00e9"}}'),
      Buffer.from("caf\u00e9 \u65e5\u672c \u{1f600}", "utf8"),
      randomBytes(1000),
      Buffer.alloc(0),
    ].map((body, index) => ({
      body,
      id: `msg_${index}`,
      timestamp: 1_700_000_000 + index,
      secret,
    }));
    expect(pythonStandardSignatures(items)).toEqual(
      items.map(({ body, ...message }) => signStandardWebhook(body, message)),
    );
  });
});
