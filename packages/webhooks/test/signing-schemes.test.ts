import { randomBytes } from "node:crypto";
import { EventBus, EventType } from "@attesta/events";
import { defer, ok, type Responder, startTestReceiver } from "@attesta/test-support";
import { verifySignature, verifyStandardWebhook } from "@attesta/verify";
import { describe, expect, it } from "vitest";
import { type WebhookConfig, WebhookDispatcher } from "../src/index";
import { sampleData } from "./support/events";

const whsec = (): string => `whsec_${randomBytes(24).toString("base64")}`;

async function deliverOne(config: Omit<WebhookConfig, "url">, responder: Responder = ok) {
  const receiver = await startTestReceiver(responder);
  const bus = new EventBus();
  const dispatcher = new WebhookDispatcher(
    bus,
    [{ url: receiver.url, retryBaseDelayMs: 0, retryMinDelayMs: 0, ...config }],
    { logger: null },
  );
  defer(() => dispatcher.close({ deadlineMs: 1000 }));
  bus.emit({ type: EventType.APPROVED, data: sampleData("approved") });
  await dispatcher.flush();
  return receiver.requests;
}

const failFirst: Responder = (_req, res, index) => {
  res.writeHead(index === 0 ? 503 : 204).end();
};

describe("signature schemes on the wire", () => {
  it('sends only X-Attesta-Signature by default ("attesta")', async () => {
    const [request] = await deliverOne({ secret: "s3cret" });
    expect(request).toBeDefined();
    if (request === undefined) return;
    expect(
      verifySignature(request.body, String(request.headers["x-attesta-signature"]), "s3cret"),
    ).toBe(true);
    expect(Object.keys(request.headers).filter((name) => name.startsWith("webhook-"))).toEqual([]);
  });

  it('"standard-webhooks" signs id.timestamp.body per attempt, under the delivery id', async () => {
    const secret = whsec();
    const requests = await deliverOne(
      { secret, scheme: "standard-webhooks", retryCount: 1 },
      failFirst,
    );
    expect(requests).toHaveLength(2);
    for (const request of requests) {
      expect(request.headers["webhook-id"]).toBe(request.headers["x-attesta-delivery"]);
      expect(request.headers["x-attesta-signature"]).toBeUndefined();
      expect(request.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(verifyStandardWebhook(request.body, request.headers, secret)).toBe(true);
      expect(verifyStandardWebhook(request.body, request.headers, whsec())).toBe(false);
    }
    // The retry keeps the id: a receiver dedupes on it.
    expect(requests[1]?.headers["webhook-id"]).toBe(requests[0]?.headers["webhook-id"]);
  });

  it('"both" sends both schemes, each verifiable on its own', async () => {
    const secret = whsec();
    const [request] = await deliverOne({ secret, scheme: "both" });
    expect(request).toBeDefined();
    if (request === undefined) return;
    expect(
      verifySignature(request.body, String(request.headers["x-attesta-signature"]), secret),
    ).toBe(true);
    expect(verifyStandardWebhook(request.body, request.headers, secret)).toBe(true);
  });

  it("signs with every secret during a key rotation", async () => {
    const [oldKey, newKey] = [whsec(), whsec()];
    const [request] = await deliverOne({ secret: [oldKey, newKey], scheme: "standard-webhooks" });
    expect(request).toBeDefined();
    if (request === undefined) return;
    expect(String(request.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verifyStandardWebhook(request.body, request.headers, oldKey)).toBe(true);
    expect(verifyStandardWebhook(request.body, request.headers, newKey)).toBe(true);
  });
});

describe("signature scheme configuration", () => {
  const bus = new EventBus();
  const make = (config: Omit<WebhookConfig, "url">) =>
    new WebhookDispatcher(bus, [{ url: "http://127.0.0.1:9/hook", ...config }], { logger: null });

  it("refuses an unknown scheme, naming the field", () => {
    expect(() => make({ secret: "x", scheme: "hmac" as never })).toThrow(
      /config\[0\]\.scheme must be "attesta", "standard-webhooks" or "both"/,
    );
  });

  it("refuses a Standard Webhooks scheme without a secret", () => {
    expect(() => make({ scheme: "both" })).toThrow(/config\[0\]\.secret is missing\. Fix:/);
  });

  it("refuses a secret that is not a whsec_ key before any event, without echoing it", () => {
    let message = "";
    try {
      make({ secret: "not-base64-!!", scheme: "standard-webhooks" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^@attesta\/webhooks: config\[0\]\.secret cannot sign/);
    expect(message).not.toContain("not-base64-!!");
  });

  it("refuses an empty rotation list", () => {
    expect(() => make({ secret: [] })).toThrow(
      /config\[0\]\.secret must be a non-empty string; got an array/,
    );
  });
});
