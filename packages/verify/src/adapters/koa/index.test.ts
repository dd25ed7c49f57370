import { createServer, type Server } from "node:http";
import Koa from "koa";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { BODY, malformedSignatures, OLD_SECRET, SECRET } from "../../../test/support/deliveries";
import { close, listen, post, postSlowly } from "../../../test/support/http";
import { pythonDeliveries } from "../../../test/support/python";
import { sign } from "../../index";
import { type KoaVerifyOptions, verifyAttesta } from "./index";

const headers = (signature: string) => ({ "x-attesta-signature": signature });

/** A Koa app: optional earlier middleware, the verifier, then a recording handler. */
function makeApp(options: KoaVerifyOptions, before?: Koa.Middleware) {
  const seen: unknown[] = [];
  const app = new Koa();
  if (before) app.use(before);
  app.use(verifyAttesta(options)).use((ctx) => {
    // ctx.state.attesta is typed by the middleware's state.
    const payload = ctx.state.attesta;
    seen.push(payload);
    ctx.body =
      payload.event === "APPROVED"
        ? { action: payload.data.action_name }
        : { event: payload.event };
  });
  return { app, seen };
}

async function serve(app: Koa): Promise<{ url: string; server: Server }> {
  const server = createServer(app.callback());
  return { url: await listen(server), server };
}

describe("verifyAttesta (Koa)", () => {
  let url: string;
  let server: Server;
  let seen: unknown[];

  beforeAll(async () => {
    const built = makeApp({ secret: [SECRET, OLD_SECRET], maxBodyBytes: 64 * 1024 });
    seen = built.seen;
    ({ url, server } = await serve(built.app));
  });
  afterAll(() => close(server));
  afterEach(() => {
    seen.length = 0;
  });

  it("passes a valid delivery on with the payload in ctx.state.attesta", async () => {
    const res = await post(url, BODY, headers(sign(BODY, SECRET)));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ action: "deploy" });
    expect(seen).toEqual([JSON.parse(BODY)]);
  });

  it("accepts bodies serialised and signed by python3 byte for byte", async () => {
    for (const delivery of pythonDeliveries(SECRET)) {
      expect(
        (await post(url, delivery.body, headers(delivery.signature))).status,
        delivery.label,
      ).toBe(200);
    }
    expect(seen).toHaveLength(4);
  });

  it("rejects a tampered body with 401 and stops the middleware chain", async () => {
    const res = await post(url, BODY.replace("0.12", "0.02"), headers(sign(BODY, SECRET)));
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: expect.stringContaining("does not match") });
    expect(seen).toEqual([]);
  });

  it("rejects a missing and every malformed signature header with 401", async () => {
    expect((await post(url, BODY)).status).toBe(401);
    for (const [label, value] of Object.entries(malformedSignatures(BODY, SECRET))) {
      const res = await post(url, BODY, headers(value));
      expect(res.status, label).toBe(401);
      expect(res.json, label).toEqual({ error: expect.any(String) });
    }
    expect(seen).toEqual([]);
  });

  it("accepts either secret during a rotation and refuses a retired one", async () => {
    expect((await post(url, BODY, headers(sign(BODY, OLD_SECRET)))).status).toBe(200);
    expect((await post(url, BODY, headers(sign(BODY, "retired")))).status).toBe(401);
  });

  it("answers 413 from the Content-Length before the client finishes sending", async () => {
    const outcome = await postSlowly(url, 8 * 1024 * 1024, headers(sign(BODY, SECRET)), true);
    expect(outcome.status).toBe(413);
    expect(outcome.finished).toBe(false);
    expect(JSON.parse(outcome.text)).toEqual({
      error: "Request body exceeds maxBodyBytes (65536 bytes).",
    });
  });

  it("answers 413 while streaming a body without Content-Length, before it ends", async () => {
    const outcome = await postSlowly(url, 8 * 1024 * 1024, headers(sign(BODY, SECRET)), false);
    expect(outcome.status).toBe(413);
    expect(outcome.finished).toBe(false);
    expect(seen).toEqual([]);
  });

  it("answers 400 for a correctly signed body that is not JSON", async () => {
    const body = "\xff\xfe not json";
    const res = await post(
      url,
      Buffer.from(body, "latin1"),
      headers(sign(Buffer.from(body, "latin1"), SECRET)),
    );
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "Request body is not valid UTF-8 JSON." });
  });
});

describe("verifyAttesta (Koa) with body parsers and options", () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map(close));
  });
  const start = async (app: Koa) => {
    const served = await serve(app);
    servers.push(served.server);
    return served.url;
  };

  /** Reads the body the way Koa body parsers do, optionally keeping ctx.request.rawBody. */
  const parser =
    (keepRaw: boolean): Koa.Middleware =>
    async (ctx, next) => {
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString("utf8");
      const request = ctx.request as unknown as { body: unknown; rawBody?: string };
      request.body = JSON.parse(text);
      if (keepRaw) request.rawBody = text;
      await next();
    };

  it("uses ctx.request.rawBody when a body parser kept it", async () => {
    const { app, seen } = makeApp({ secret: SECRET }, parser(true));
    const url = await start(app);
    expect((await post(url, BODY, headers(sign(BODY, SECRET)))).status).toBe(200);
    expect((await post(url, BODY, headers(sign(`${BODY}\n`, SECRET)))).status).toBe(401);
    expect(seen).toHaveLength(1);
  });

  it("answers 500 with the fix when a parser consumed the body without keeping it, logging once", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const { app, seen } = makeApp({ secret: SECRET }, parser(false));
      const url = await start(app);
      const first = await post(url, BODY, headers(sign(BODY, SECRET)));
      await post(url, BODY, headers(sign(BODY, SECRET)));
      expect(first.status).toBe(500);
      expect((first.json as { error: string }).error).toContain(
        "mount verifyAttesta() before the body parser",
      );
      expect(seen).toEqual([]);
      expect(log).toHaveBeenCalledTimes(1);
    } finally {
      log.mockRestore();
    }
  });

  it("reads the stream when a body parser skipped the request but set ctx.request.body = {}", async () => {
    // koa-bodyparser does this for content types it is not configured to parse.
    const skippingParser: Koa.Middleware = async (ctx, next) => {
      (ctx.request as unknown as { body: unknown }).body = {};
      await next();
    };
    const { app, seen } = makeApp({ secret: SECRET }, skippingParser);
    const url = await start(app);
    expect((await post(url, BODY, headers(sign(BODY, SECRET)))).status).toBe(200);
    expect((await post(url, BODY, headers(sign(BODY, "wrong")))).status).toBe(401);
    expect(seen).toEqual([JSON.parse(BODY)]);
  });

  it("lets onError write a custom response", async () => {
    const { app } = makeApp({
      secret: SECRET,
      onError: (error, ctx) => {
        ctx.status = error.status;
        ctx.body = `rejected: ${error.code}`;
      },
    });
    const url = await start(app);
    const res = await post(url, BODY, headers(sign(BODY, "wrong")));
    expect(res.status).toBe(401);
    expect(res.text).toBe("rejected: invalid_signature");
  });

  it("throws a TypeError for a missing secret at construction", () => {
    expect(() => verifyAttesta({ secret: "" })).toThrow(/@attesta\/verify: options.secret/);
    expect(() => verifyAttesta({ secret: ["ok", ""] })).toThrow(
      /options.secret\[1\] must be a non-empty string/,
    );
  });
});
