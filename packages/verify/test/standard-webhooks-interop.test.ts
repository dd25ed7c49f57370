/**
 * Interoperability with the official `standardwebhooks` npm package and the
 * test vectors published in the standard-webhooks repository.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import * as node from "../src/index";
import * as web from "../src/web/index";

// The "sign function works" vector of the standard-webhooks libraries.
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
// The ed25519 (v1a) signing vector of the reference Go library: key, then signature.
const V1A_KEY = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
const V1A_SIGNATURE =
  "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";

/** The whpk_ public key of a whsk_ secret key, derived with node:crypto. */
function publicKeyOf(whsk: string): string {
  const seed = Buffer.from(whsk.slice(5), "base64");
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const spki = createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" }))
    .export({ format: "der", type: "spki" })
    .subarray(-32);
  return `whpk_${spki.toString("base64")}`;
}

function headersFor(signature: string, id = VECTOR.id, timestamp = VECTOR.timestamp) {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature,
  };
}

const at = new Date(VECTOR.timestamp * 1000);

describe("the published test vectors", () => {
  it("v1: every build signs the vector byte for byte and verifies it", async () => {
    const message = { id: VECTOR.id, timestamp: VECTOR.timestamp, secret: VECTOR.secret };
    expect(node.signStandardWebhook(VECTOR.body, message)).toBe(VECTOR.signature);
    expect(web.signStandardWebhook(VECTOR.body, message)).toBe(VECTOR.signature);
    expect(await web.signStandardWebhookAsync(VECTOR.body, message)).toBe(VECTOR.signature);
    const headers = headersFor(VECTOR.signature);
    expect(node.verifyStandardWebhook(VECTOR.body, headers, VECTOR.secret, { now: at })).toBe(true);
    expect(web.verifyStandardWebhook(VECTOR.body, headers, VECTOR.secret, { now: at })).toBe(true);
    expect(
      await web.verifyStandardWebhookAsync(VECTOR.body, headers, VECTOR.secret, { now: at }),
    ).toBe(true);
    // The unprefixed base64 secret is the same key.
    expect(
      node.verifyStandardWebhook(VECTOR.body, headers, VECTOR.secret.slice(6), { now: at }),
    ).toBe(true);
  });

  it("v1a: node:crypto and Web Crypto sign the ed25519 vector and verify it with the public key", async () => {
    const message = { id: VECTOR.id, timestamp: VECTOR.timestamp, secret: V1A_KEY };
    expect(node.signStandardWebhook(VECTOR.body, message)).toBe(V1A_SIGNATURE);
    expect(await web.signStandardWebhookAsync(VECTOR.body, message)).toBe(V1A_SIGNATURE);
    const publicKey = publicKeyOf(V1A_KEY);
    const headers = headersFor(V1A_SIGNATURE);
    expect(node.verifyStandardWebhook(VECTOR.body, headers, publicKey, { now: at })).toBe(true);
    expect(await web.verifyStandardWebhookAsync(VECTOR.body, headers, publicKey, { now: at })).toBe(
      true,
    );
    const tampered = `${VECTOR.body} `;
    expect(node.verifyStandardWebhook(tampered, headers, publicKey, { now: at })).toBe(false);
    expect(await web.verifyStandardWebhookAsync(tampered, headers, publicKey, { now: at })).toBe(
      false,
    );
  });

  it("the web build's synchronous functions refuse ed25519 with the fix", () => {
    const message = { id: VECTOR.id, timestamp: VECTOR.timestamp, secret: V1A_KEY };
    expect(() => web.signStandardWebhook(VECTOR.body, message)).toThrow(
      /ed25519 \(v1a\) signatures need Web Crypto.*Fix: call the …Async variant/,
    );
  });
});

describe("interop with the official standardwebhooks package", () => {
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const bodies = [
    VECTOR.body,
    '{"event":"APPROVED","timestamp":"2025-06-15T14:32:18.123+00:00","data":{"agent_id":"r\\u00e9sum\\u00e9"}}',
    JSON.stringify({ type: "x", data: { text: "caf\u00e9 \u65e5\u672c \u{1f600}" } }),
  ];

  it("their signatures verify with ours, single and among rotation entries", () => {
    const theirs = new Webhook(secret);
    const now = new Date();
    for (const body of bodies) {
      const signature = theirs.sign("msg_interop", now, body);
      const headers = headersFor(signature, "msg_interop", Math.floor(now.getTime() / 1000));
      expect(node.verifyStandardWebhook(body, headers, secret), body).toBe(true);
      expect(web.verifyStandardWebhook(body, headers, secret), body).toBe(true);
      const rotated = { ...headers, "webhook-signature": `v1,${"A".repeat(43)}= ${signature}` };
      expect(node.verifyStandardWebhook(body, rotated, ["whsec_AAAA", secret])).toBe(true);
      expect(node.verifyStandardWebhook(`${body} `, headers, secret)).toBe(false);
    }
  });

  it("our signatures verify with theirs, as headers from signatureHeaders", () => {
    const theirs = new Webhook(secret);
    for (const body of bodies) {
      const pairs = node.signatureHeaders(body, {
        scheme: "standard-webhooks",
        id: "msg_ours",
        timestamp: new Date(),
        secret,
      });
      const headers = Object.fromEntries(pairs);
      expect(theirs.verify(body, headers)).toEqual(JSON.parse(body));
      expect(() => theirs.verify(`${body} `, headers)).toThrow();
    }
  });

  it("their verifier accepts our rotation header, which carries one v1 entry per secret", () => {
    const previous = `whsec_${randomBytes(24).toString("base64")}`;
    const pairs = node.signatureHeaders(VECTOR.body, {
      scheme: "both",
      id: "msg_rotation",
      timestamp: Math.floor(Date.now() / 1000),
      secret: [secret, previous],
    });
    const headers = Object.fromEntries(pairs);
    expect(headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(new Webhook(secret).verify(VECTOR.body, headers)).toEqual(JSON.parse(VECTOR.body));
    expect(new Webhook(previous).verify(VECTOR.body, headers)).toEqual(JSON.parse(VECTOR.body));
  });

  it("a freshly generated ed25519 key pair signs and verifies across builds", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const seed = privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32);
    const whsk = `whsk_${seed.toString("base64")}`;
    const whpk = `whpk_${publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("base64")}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = node.signStandardWebhook(VECTOR.body, {
      id: "msg_ed",
      timestamp,
      secret: whsk,
    });
    const headers = headersFor(signature, "msg_ed", timestamp);
    expect(await web.verifyStandardWebhookAsync(VECTOR.body, headers, whpk)).toBe(true);
    expect(node.verifyStandardWebhook(VECTOR.body, headers, [VECTOR.secret, whpk])).toBe(true);
    expect(node.verifyStandardWebhook(VECTOR.body, headers, VECTOR.secret)).toBe(false);
  });
});
