import { createServer, type IncomingMessage, request, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { close, listen } from "../../test/support/http";
import type { AttestaVerificationError } from "../protocol/verification-error";
import { readRawBody } from "./read-raw-body";

let server: Server | undefined;
afterEach(async () => {
  if (server) await close(server);
  server = undefined;
});

/** Serves one request and reports what readRawBody did with it. */
async function capture(
  limit: number,
): Promise<{ url: string; result: Promise<Buffer | AttestaVerificationError> }> {
  let deliver!: (value: Buffer | AttestaVerificationError) => void;
  const result = new Promise<Buffer | AttestaVerificationError>((resolve) => (deliver = resolve));
  server = createServer((req: IncomingMessage, res) => {
    readRawBody(req, limit, (error, body) => deliver(error ?? body));
    res.on("error", () => undefined);
    setImmediate(() => result.then(() => res.end()));
  });
  return { url: await listen(server), result };
}

/** Starts a POST whose response and errors are ignored: only the server side is under test. */
function open(url: string, headers: Record<string, string | number> = {}) {
  const req = request(url, { method: "POST", headers });
  req.on("error", () => undefined);
  req.on("response", (res) => res.resume());
  return req;
}

describe("readRawBody", () => {
  it("returns the exact bytes of a body at the limit", async () => {
    const { url, result } = await capture(5);
    open(url).end(Buffer.from([0, 1, 2, 3, 255]));
    expect(await result).toEqual(Buffer.from([0, 1, 2, 3, 255]));
  });

  it("returns an empty buffer for an empty body", async () => {
    const { url, result } = await capture(5);
    open(url).end();
    expect(await result).toEqual(Buffer.alloc(0));
  });

  it("rejects a declared Content-Length over the limit without reading", async () => {
    const { url, result } = await capture(5);
    const req = open(url, { "content-length": 6 });
    req.write("abc");
    expect(await result).toMatchObject({ code: "payload_too_large", status: 413 });
    req.destroy();
  });

  it("rejects a chunked body as soon as it crosses the limit", async () => {
    const { url, result } = await capture(5);
    const req = open(url, { "transfer-encoding": "chunked" });
    req.write("abcdef");
    expect(await result).toMatchObject({ code: "payload_too_large" });
    req.destroy();
  });

  it("rejects a body the client aborts midway", async () => {
    const { url, result } = await capture(1024);
    const req = open(url, { "content-length": 100 });
    req.write("partial", () => setTimeout(() => req.destroy(), 20));
    expect(await result).toMatchObject({ code: "body_read_failed", status: 400 });
  });
});
