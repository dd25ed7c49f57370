/**
 * Smoke test of every runnable example: each receiver is started as its own
 * process and sent signed and forged deliveries, and the sender example is
 * pointed at each receiver, so the code the READMEs show keeps working.
 */
import { sign } from "@attesta/verify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningExample, runExample, startExample } from "./run-example";

const SECRET = "whsec_smoke_test_3f9a1c";

const receivers = [
  { file: "express-receiver.ts", framework: "Express" },
  { file: "koa-receiver.ts", framework: "Koa" },
  { file: "hono-receiver.ts", framework: "Hono" },
  { file: "python/receiver.py", framework: "Python standard library" },
];

// Non-ASCII text makes sure receivers sign the raw bytes, not a re-decoded string.
const body = JSON.stringify({
  event: "DENIED",
  // Sent now: receivers refuse bodies older than maxAgeSec (72 h by default).
  timestamp: new Date().toISOString().replace("Z", "+00:00"),
  data: {
    agent_id: "agent-ops-2",
    action_name: "drop_table",
    risk_score: 0.93,
    risk_level: "critical",
    reason: "Destructive change to the café's production data — no ticket",
  },
});

/** `url` with its path replaced, e.g. to knock on a receiver's other doors. */
function withPath(url: string, path: string): string {
  return new URL(path, url).href;
}

function post(url: string, signature: string | undefined): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-attesta-event": "denied",
    "x-attesta-delivery": "dlv_smoke_0001",
  };
  if (signature !== undefined) headers["x-attesta-signature"] = signature;
  return fetch(url, { method: "POST", headers, body });
}

describe.each(receivers)("the $framework receiver ($file)", ({ file }) => {
  let receiver: RunningExample;

  beforeAll(async () => {
    receiver = await startExample(file, { ATTESTA_WEBHOOK_SECRET: SECRET });
  });

  afterAll(async () => {
    await receiver?.stop();
  });

  it("accepts a delivery signed with the shared secret and hands it to the handler", async () => {
    const response = await post(receiver.url, sign(body, SECRET));
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    await receiver.waitForLine(/^DENIED drop_table by agent-ops-2$/);
  });

  it("answers 401 to a delivery signed with another secret, without running the handler", async () => {
    const before = receiver.lines.length;
    const response = await post(receiver.url, sign(body, "whsec_someone_else"));
    expect(response.status).toBe(401);
    expect(receiver.lines.slice(before)).toEqual([]);
  });

  it("answers 401 to a delivery without a signature", async () => {
    const response = await post(receiver.url, undefined);
    expect(response.status).toBe(401);
  });

  it("answers 404 off /webhooks/attesta, even to a correctly signed delivery", async () => {
    expect(new URL(receiver.url).pathname).toBe("/webhooks/attesta");
    const before = receiver.lines.length;
    for (const path of [
      "/",
      "/webhooks",
      "/webhooks/attesta/extra",
      "/other?x=/webhooks/attesta",
    ]) {
      const response = await post(withPath(receiver.url, path), sign(body, SECRET));
      expect(response.status, path).toBe(404);
    }
    expect(receiver.lines.slice(before)).toEqual([]);
  });

  it("refuses to start without a secret instead of accepting unverifiable deliveries", async () => {
    const started = await runExample(file, { ATTESTA_WEBHOOK_SECRET: "", PORT: "0" });
    expect(started.code).not.toBe(0);
    expect(started.output).toContain("Set ATTESTA_WEBHOOK_SECRET");
  });

  it("receives and verifies what the sender example sends", async () => {
    const sent = await runExample("sender.ts", {
      ATTESTA_WEBHOOK_URL: receiver.url,
      ATTESTA_WEBHOOK_SECRET: SECRET,
    });
    expect(sent.code, sent.output).toBe(0);
    expect(sent.output).toContain("Sent; 0 undelivered.");
    await receiver.waitForLine(/^APPROVED issue_refund by agent-billing-7$/);
  });
});

describe("the sender example", () => {
  it("refuses to start without a secret instead of sending unsigned requests", async () => {
    const sent = await runExample("sender.ts", {
      ATTESTA_WEBHOOK_URL: "http://127.0.0.1:9/unused",
      ATTESTA_WEBHOOK_SECRET: "",
    });
    expect(sent.code).not.toBe(0);
    expect(sent.output).toContain("Set ATTESTA_WEBHOOK_SECRET");
  });

  it("reports what it could not deliver and exits non-zero when the receiver rejects it", async () => {
    const receiver = await startExample("express-receiver.ts", { ATTESTA_WEBHOOK_SECRET: SECRET });
    try {
      const sent = await runExample("sender.ts", {
        ATTESTA_WEBHOOK_URL: receiver.url,
        ATTESTA_WEBHOOK_SECRET: "whsec_wrong",
      });
      expect(sent.output).toContain("Sent; 1 undelivered.");
      expect(sent.code).toBe(1);
    } finally {
      await receiver.stop();
    }
  });
});
