import { createPrivateKey, createPublicKey } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BODY, malformedSignatures, OLD_SECRET, SECRET } from "../../../test/support/deliveries";
import { post, postSlowly } from "../../../test/support/http";
import { pythonDeliveries } from "../../../test/support/python";
import { type HeaderPair, sign, signatureHeaders } from "../../index";
import { type AttestaEnv, type HonoVerifyOptions, verifyAttesta as verifyNode } from "./index";
import { verifyAttesta as verifyWeb } from "./web";

const headers = (signature: string) => ({ "x-attesta-signature": signature });

/** An app whose handler echoes the typed payload and re-reads the body through c.req. */
function makeApp(
  verifyAttesta: (options: HonoVerifyOptions) => ReturnType<typeof verifyNode>,
  options: HonoVerifyOptions,
) {
  const seen: unknown[] = [];
  const app = new Hono<AttestaEnv>();
  app.post("/hook", verifyAttesta(options), async (c) => {
    const payload = c.get("attesta");
    seen.push(payload);
    // Later handlers can still read the body.
    const again = await c.req.json<unknown>();
    return c.json({
      event: payload.event,
      sameBody: JSON.stringify(again) === JSON.stringify(payload),
    });
  });
  return { app, seen };
}

for (const [build, verifyAttesta] of [
  ["node:crypto build", verifyNode],
  ["web build", verifyWeb],
] as const) {
  describe(`verifyAttesta (Hono, ${build}) through app.request`, () => {
    const { app, seen } = makeApp(verifyAttesta, {
      secret: [SECRET, OLD_SECRET],
      maxBodyBytes: 4096,
    });
    const request = (body: string | Uint8Array<ArrayBuffer>, init: Record<string, string> = {}) =>
      app.request("/hook", {
        method: "POST",
        body,
        headers: { "content-type": "application/json", ...init },
      });

    it("exposes the typed payload as c.get('attesta') and leaves the body readable", async () => {
      const res = await request(BODY, headers(sign(BODY, SECRET)));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ event: "APPROVED", sameBody: true });
      expect(seen.at(-1)).toEqual(JSON.parse(BODY));
    });

    it("accepts python3-signed json.dumps bodies", async () => {
      for (const delivery of pythonDeliveries(SECRET)) {
        const res = await request(new Uint8Array(delivery.body), headers(delivery.signature));
        expect(res.status, delivery.label).toBe(200);
      }
    });

    it("rejects tampered bodies, missing and malformed signatures with 401", async () => {
      const before = seen.length;
      expect(
        (await request(BODY.replace("low", "lower"), headers(sign(BODY, SECRET)))).status,
      ).toBe(401);
      expect((await request(BODY)).status).toBe(401);
      for (const [label, value] of Object.entries(malformedSignatures(BODY, SECRET))) {
        const res = await request(BODY, headers(value));
        expect(res.status, label).toBe(401);
        expect(await res.json(), label).toEqual({ error: expect.any(String) });
      }
      expect(seen.length).toBe(before);
    });

    it("accepts the previous secret during a rotation", async () => {
      expect((await request(BODY, headers(sign(BODY, OLD_SECRET)))).status).toBe(200);
    });

    it("answers 413 for a declared length over maxBodyBytes and for an oversized stream", async () => {
      const big = "x".repeat(5000);
      const declared = await request(big, {
        ...headers(sign(big, SECRET)),
        "content-length": "5000",
      });
      expect(declared.status).toBe(413);
      let pulled = 0;
      // 64 chunks of 1 KiB; reading must stop shortly after the 4 KiB limit.
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          if (pulled > 64) controller.close();
          else controller.enqueue(new Uint8Array(1024).fill(0x20));
        },
      });
      const streamed = await app.request("/hook", {
        method: "POST",
        body: stream,
        headers: headers(sign(big, SECRET)),
        duplex: "half",
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(await streamed.json()).toEqual({
        error: "Request body exceeds maxBodyBytes (4096 bytes).",
      });
      expect(pulled).toBeLessThan(64);
    });

    it("answers 400 for a signed body that is not JSON", async () => {
      const res = await request("not json", headers(sign("not json", SECRET)));
      expect(res.status).toBe(400);
    });

    it("lets onError build the response", async () => {
      const custom = new Hono<AttestaEnv>();
      custom.post(
        "/hook",
        verifyAttesta({
          secret: SECRET,
          onError: (error, c) => c.text(`rejected: ${error.code}`, error.status),
        }),
        (c) => c.text("ok"),
      );
      const res = await custom.request("/hook", { method: "POST", body: BODY });
      expect(res.status).toBe(401);
      expect(await res.text()).toBe("rejected: missing_signature");
    });
  });
}

describe("verifyAttesta (Hono) on @hono/node-server at 127.0.0.1", () => {
  let server: ServerType;
  let url: string;
  const { app, seen } = makeApp(verifyNode, { secret: SECRET, maxBodyBytes: 64 * 1024 });

  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve());
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("accepts valid and python3-signed deliveries, chunked or not", async () => {
    expect((await post(url, BODY, headers(sign(BODY, SECRET)))).json).toEqual({
      event: "APPROVED",
      sameBody: true,
    });
    expect((await post(url, BODY, headers(sign(BODY, SECRET)), { chunked: true })).status).toBe(
      200,
    );
    for (const delivery of pythonDeliveries(SECRET)) {
      expect(
        (await post(url, delivery.body, headers(delivery.signature))).status,
        delivery.label,
      ).toBe(200);
    }
  });

  it("rejects tampered bodies and malformed signatures with 401", async () => {
    const before = seen.length;
    expect((await post(url, `${BODY} `, headers(sign(BODY, SECRET)))).status).toBe(401);
    for (const [label, value] of Object.entries(malformedSignatures(BODY, SECRET))) {
      expect((await post(url, BODY, headers(value))).status, label).toBe(401);
    }
    expect(seen.length).toBe(before);
  });

  it("answers 413 before the client finishes an oversized body, with or without Content-Length", async () => {
    for (const declareLength of [true, false]) {
      const outcome = await postSlowly(
        url,
        8 * 1024 * 1024,
        headers(sign(BODY, SECRET)),
        declareLength,
      );
      expect(outcome.status, `declareLength=${declareLength}`).toBe(413);
      expect(outcome.finished).toBe(false);
    }
  });

  it("answers 400 for a signed body that is not JSON", async () => {
    expect((await post(url, "plain", headers(sign("plain", SECRET)))).status).toBe(400);
  });
});

describe("verifyAttesta (Hono) with Standard Webhooks, node:crypto and Web Crypto builds", () => {
  const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  // The reference Go library's ed25519 test key, and its public key.
  const WHSK = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
  const seed = Buffer.from(WHSK.slice(5), "base64");
  const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const WHPK = `whpk_${createPublicKey(
    createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }),
  )
    .export({ format: "der", type: "spki" })
    .subarray(-32)
    .toString("base64")}`;

  for (const [build, verifyAttesta] of [
    ["node:crypto build", verifyNode],
    ["web build", verifyWeb],
  ] as const) {
    it(`accepts v1 and v1a signatures and refuses forgeries (${build})`, async () => {
      const seen: unknown[] = [];
      const app = new Hono<AttestaEnv>();
      app.post(
        "/hook",
        verifyAttesta({ secret: [WHSEC, WHPK], scheme: "standard-webhooks" }),
        (c) => {
          seen.push(c.get("attesta"));
          return c.body(null, 204);
        },
      );
      const send = (headers: HeaderPair[]) =>
        app.request("/hook", { method: "POST", body: BODY, headers });
      const attempt = (id: string, secret: string) =>
        signatureHeaders(BODY, { scheme: "standard-webhooks", id, timestamp: new Date(), secret });
      expect((await send(attempt("msg_v1", WHSEC))).status).toBe(204);
      expect((await send(attempt("msg_v1a", WHSK))).status).toBe(204);
      expect((await send(attempt("msg_other", "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAA"))).status).toBe(
        401,
      );
      expect(await (await send(attempt("msg_v1", WHSEC))).json()).toEqual({ duplicate: true });
      expect(seen).toHaveLength(2);
    });
  }
});
