import { describe, expect, it } from "vitest";
import {
  sign,
  signatureHeaders,
  signatureHeadersAsync,
  signStandardWebhook,
  verifyStandardWebhook,
  verifyStandardWebhookAsync,
} from "../index";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY = '{"event":"APPROVED","timestamp":"2025-06-15T14:32:18.123+00:00","data":{}}';
const NOW = 1_750_000_000;

function signed(overrides: Record<string, string> = {}) {
  const signature = signStandardWebhook(BODY, { id: "msg_1", timestamp: NOW, secret: SECRET });
  return {
    "webhook-id": "msg_1",
    "webhook-timestamp": String(NOW),
    "webhook-signature": signature,
    ...overrides,
  };
}

describe("verifyStandardWebhook", () => {
  it("accepts a fresh message within the tolerance, either side of now", () => {
    expect(verifyStandardWebhook(BODY, signed(), SECRET, { now: NOW })).toBe(true);
    expect(verifyStandardWebhook(BODY, signed(), SECRET, { now: NOW + 300 })).toBe(true);
    expect(verifyStandardWebhook(BODY, signed(), SECRET, { now: NOW - 300 })).toBe(true);
    expect(verifyStandardWebhook(BODY, signed(), SECRET, { now: new Date(NOW * 1000) })).toBe(true);
  });

  it("refuses a message outside the tolerance unless the check is off", () => {
    expect(verifyStandardWebhook(BODY, signed(), SECRET, { now: NOW + 301 })).toBe(false);
    expect(verifyStandardWebhook(BODY, signed(), SECRET, { now: NOW - 301 })).toBe(false);
    expect(verifyStandardWebhook(BODY, signed(), SECRET, { now: NOW + 10, toleranceSec: 5 })).toBe(
      false,
    );
    expect(
      verifyStandardWebhook(BODY, signed(), SECRET, { now: NOW + 86_400, toleranceSec: false }),
    ).toBe(true);
  });

  it("reads Fetch Headers, records with any case, and lookup functions", () => {
    const headers = signed();
    expect(verifyStandardWebhook(BODY, new Headers(headers), SECRET, { now: NOW })).toBe(true);
    const upper = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]),
    );
    expect(verifyStandardWebhook(BODY, upper, SECRET, { now: NOW })).toBe(true);
    expect(
      verifyStandardWebhook(BODY, (name) => new Headers(headers).get(name), SECRET, { now: NOW }),
    ).toBe(true);
  });

  it("returns false, never throws, for junk headers", () => {
    const good = signed();
    const junk: Record<string, unknown>[] = [
      {},
      { ...good, "webhook-id": undefined },
      { ...good, "webhook-timestamp": "" },
      { ...good, "webhook-signature": "" },
      { ...good, "webhook-timestamp": `${NOW}.0` },
      { ...good, "webhook-timestamp": "-1" },
      { ...good, "webhook-timestamp": "1e9" },
      { ...good, "webhook-timestamp": "9".repeat(400) },
      { ...good, "webhook-id": "msg.1" },
      { ...good, "webhook-id": "x".repeat(257) },
      { ...good, "webhook-id": "msg 1" },
      { ...good, "webhook-id": "msg_2" },
      { ...good, "webhook-id": ["msg_1", "msg_1"] },
      { ...good, "webhook-signature": good["webhook-signature"].replace("v1,", "v2,") },
      { ...good, "webhook-signature": good["webhook-signature"].slice(0, -2) },
      { ...good, "webhook-signature": `${good["webhook-signature"]}=` },
      { ...good, "webhook-signature": good["webhook-signature"].replace("v1,", "v1, ") },
      { ...good, "webhook-signature": "v1,\u0660".padEnd(47, "A") },
      { ...good, "webhook-signature": `v1a,${"A".repeat(86)}==` },
      { ...good, "webhook-signature": Array(17).fill(good["webhook-signature"]).join(" ") },
      { ...good, "webhook-signature": 42 },
    ];
    for (const headers of junk) {
      expect(
        verifyStandardWebhook(BODY, headers as Record<string, string>, SECRET, { now: NOW }),
        JSON.stringify(headers),
      ).toBe(false);
    }
    for (const headers of [null, undefined, 42, "webhook-id"]) {
      expect(verifyStandardWebhook(BODY, headers as never, SECRET, { now: NOW })).toBe(false);
    }
  });

  it("throws TypeError for a missing or malformed key, without printing it", async () => {
    for (const secret of ["", [], "not base64!", "whsk_AAAA", "whpk_AAAA", "whsec_"]) {
      expect(() => verifyStandardWebhook(BODY, signed(), secret as string), String(secret)).toThrow(
        TypeError,
      );
    }
    expect(() => verifyStandardWebhook(BODY, signed(), "whsec_secret!value")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("secret!value") }),
    );
    await expect(verifyStandardWebhookAsync(BODY, signed(), "")).rejects.toThrow(TypeError);
  });
});

describe("signStandardWebhook", () => {
  it("refuses ids with a dot, bad timestamps and public keys, naming the fix", () => {
    const sign = (message: Record<string, unknown>) => () =>
      signStandardWebhook(BODY, {
        id: "msg_1",
        timestamp: NOW,
        secret: SECRET,
        ...message,
      } as never);
    expect(sign({ id: "a.b" })).toThrow(/id must be .* without '\.'\. Fix: /);
    expect(sign({ id: "" })).toThrow(TypeError);
    expect(sign({ timestamp: 1.5 })).toThrow(/timestamp must be a Date or whole Unix seconds/);
    expect(sign({ timestamp: "1700000000" })).toThrow(TypeError);
    expect(sign({ secret: "whpk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=" })).toThrow(
      /not a Standard Webhooks signing key/,
    );
  });
});

describe("signatureHeaders", () => {
  const attempt = { id: "0e3c5e1e-7b1a-4a34-9f9b-8d6c1f0a2b3c", timestamp: NOW, secret: SECRET };

  it('defaults to "attesta": only X-Attesta-Signature, byte-identical to sign()', () => {
    expect(signatureHeaders(BODY, attempt)).toEqual([["x-attesta-signature", sign(BODY, SECRET)]]);
    expect(signatureHeaders(BODY, { ...attempt, scheme: "attesta" })).toEqual([
      ["x-attesta-signature", sign(BODY, SECRET)],
    ]);
  });

  it('"standard-webhooks" gives the three spec headers; "both" adds the Attesta one', async () => {
    const standard = signatureHeaders(BODY, { ...attempt, scheme: "standard-webhooks" });
    expect(standard).toEqual([
      ["webhook-id", attempt.id],
      ["webhook-timestamp", String(NOW)],
      ["webhook-signature", signStandardWebhook(BODY, attempt)],
    ]);
    const both = signatureHeaders(BODY, { ...attempt, scheme: "both" });
    expect(both).toEqual([["x-attesta-signature", sign(BODY, SECRET)], ...standard]);
    expect(await signatureHeadersAsync(BODY, { ...attempt, scheme: "both" })).toEqual(both);
    expect(verifyStandardWebhook(BODY, Object.fromEntries(both), SECRET, { now: NOW })).toBe(true);
  });

  it("signs X-Attesta-Signature with the first HMAC secret and webhook-signature with every key", () => {
    const whsk = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
    const pairs = signatureHeaders(BODY, {
      ...attempt,
      scheme: "both",
      secret: [whsk, SECRET, "whsec_AAAA"],
    });
    const headers = Object.fromEntries(pairs);
    expect(headers["x-attesta-signature"]).toBe(sign(BODY, SECRET));
    expect(headers["webhook-signature"]?.split(" ").map((entry) => entry.split(",")[0])).toEqual([
      "v1a",
      "v1",
      "v1",
    ]);
  });

  it("validates scheme and secrets before signing", () => {
    expect(() => signatureHeaders(BODY, { ...attempt, scheme: "svix" as never })).toThrow(
      /scheme must be "attesta", "standard-webhooks" or "both"/,
    );
    expect(() =>
      signatureHeaders(BODY, { ...attempt, scheme: "both", secret: "plain-secret" }),
    ).toThrow(/secret is not a Standard Webhooks signing key/);
    expect(() =>
      signatureHeaders(BODY, {
        ...attempt,
        scheme: "attesta",
        secret: "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=",
      }),
    ).toThrow(/needs an HMAC secret for X-Attesta-Signature/);
    expect(() => signatureHeaders(BODY, { ...attempt, scheme: "both", id: "a.b" })).toThrow(
      /id must be/,
    );
    expect(() => signatureHeaders({} as never, attempt)).toThrow(/raw request body/);
  });
});
