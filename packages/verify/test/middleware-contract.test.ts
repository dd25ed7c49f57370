/**
 * What every middleware guarantees, checked the same way against real
 * Express 5, Koa 3 and Hono servers on 127.0.0.1: replay protection, the age
 * and tolerance windows, both schemes, and the fixes of the attack review.
 */
import { afterEach, describe, expect, it } from "vitest";
import { sign, signatureHeaders } from "../src/index";
import type { BaseVerifyOptions } from "../src/middleware/resolve-options";
import { MemoryReplayStore } from "../src/replay/memory-replay-store";
import { isoNow } from "./support/deliveries";
import { flood, post } from "./support/http";
import { FRAMEWORKS, type TestServer } from "./support/servers";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const HOUR_MS = 3_600_000;

function body(timestamp = isoNow(), agent = "agent-7"): string {
  return JSON.stringify({
    event: "APPROVED",
    timestamp,
    data: { agent_id: agent, action_name: "deploy" },
  });
}

const attesta = (raw: string) => ({ "x-attesta-signature": sign(raw, SECRET) });

function standard(
  raw: string,
  id: string,
  scheme: "standard-webhooks" | "both" = "standard-webhooks",
) {
  const timestamp = Math.floor(Date.now() / 1000);
  return Object.fromEntries(signatureHeaders(raw, { scheme, id, timestamp, secret: SECRET }));
}

for (const [framework, start] of FRAMEWORKS) {
  describe(`verifyAttesta contract (${framework})`, () => {
    let server: TestServer | undefined;
    const run = async (options: Partial<BaseVerifyOptions> = {}) => {
      server = await start({ secret: SECRET, ...options });
      return server;
    };
    afterEach(async () => {
      await server?.stop();
      server = undefined;
    });

    it("runs the handler once per signed message and answers a replay 200 without it", async () => {
      const { url, seen } = await run();
      const raw = body();
      expect((await post(url, raw, attesta(raw))).status).toBe(204);
      const replay = await post(url, raw, attesta(raw));
      expect(replay.status).toBe(200);
      expect(replay.json).toEqual({ duplicate: true });
      expect(seen).toHaveLength(1);
    });

    it("records nothing when the handler fails, so the retry reaches it", async () => {
      const { url, seen } = await run();
      const raw = body();
      const failed = await post(url, raw, { ...attesta(raw), "x-test-status": "503" });
      expect(failed.status).toBe(503);
      expect((await post(url, raw, attesta(raw))).status).toBe(204);
      expect((await post(url, raw, attesta(raw))).status).toBe(200);
      expect(seen).toHaveLength(2);
    });

    it("holds a copy that arrives while the original is in flight, then answers it by the outcome", async () => {
      const { url, seen } = await run();
      const raw = body();
      const slow = { ...attesta(raw), "x-test-delay-ms": "300" };
      const [first, copy] = await Promise.all([post(url, raw, slow), post(url, raw, slow)]);
      expect([first.status, copy.status].sort()).toEqual([200, 204]);
      expect(seen).toHaveLength(1);
      // When the original fails, the held copy runs the handler itself.
      const other = body(isoNow(), "agent-8");
      const failing = { ...attesta(other), "x-test-delay-ms": "300", "x-test-status": "503" };
      const [failed, retried] = await Promise.all([
        post(url, other, failing),
        new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
          post(url, other, attesta(other)),
        ),
      ]);
      expect(failed.status).toBe(503);
      expect(retried.status).toBe(204);
      expect(seen).toHaveLength(3);
    });

    it("uses the replay store it is given, and none with replay: false", async () => {
      const replay = new MemoryReplayStore();
      const { url } = await run({ replay });
      const raw = body();
      await post(url, raw, attesta(raw));
      expect(replay.size).toBe(1);
      await server?.stop();
      const unprotected = await run({ replay: false });
      await post(unprotected.url, raw, attesta(raw));
      expect((await post(unprotected.url, raw, attesta(raw))).status).toBe(204);
      expect(unprotected.seen).toHaveLength(2);
    });

    it("refuses an Attesta body older than maxAgeSec with 401 expired", async () => {
      const { url, seen } = await run();
      const old = body(isoNow(73 * HOUR_MS));
      const res = await post(url, old, attesta(old));
      expect(res.status).toBe(401);
      expect((res.json as { error: string }).error).toMatch(/older than maxAgeSec \(259200 s\)/);
      const recent = body(isoNow(71 * HOUR_MS));
      expect((await post(url, recent, attesta(recent))).status).toBe(204);
      expect(seen).toHaveLength(1);
      await server?.stop();
      const unlimited = await run({ maxAgeSec: false });
      expect((await post(unlimited.url, old, attesta(old))).status).toBe(204);
    });

    it("verifies Standard Webhooks, deduplicates by webhook-id and enforces the tolerance", async () => {
      const { url, seen } = await run({ scheme: "standard-webhooks" });
      const raw = body();
      expect((await post(url, raw, standard(raw, "msg_a"))).status).toBe(204);
      // A retry of the same message: new timestamp and signature, same id.
      const retry = await post(url, raw, standard(raw, "msg_a"));
      expect(retry.json).toEqual({ duplicate: true });
      expect((await post(url, raw, attesta(raw))).status).toBe(401);
      const stale = { ...standard(raw, "msg_b"), "webhook-timestamp": "1614265330" };
      const expired = await post(url, raw, stale);
      expect(expired.status).toBe(401);
      expect((expired.json as { error: string }).error).toMatch(
        /webhook-timestamp is more than 300 s/,
      );
      expect((await post(url, `${raw} `, standard(raw, "msg_c"))).status).toBe(401);
      expect(seen).toHaveLength(1);
    });

    it("says that a malformed webhook-timestamp is malformed, not that the signature does not match", async () => {
      const { url, seen } = await run({ scheme: "standard-webhooks" });
      const raw = body();
      const headers = { ...standard(raw, "msg_t"), "webhook-timestamp": "yesterday" };
      const refused = await post(url, raw, headers);
      expect(refused.status).toBe(401);
      const { error } = refused.json as { error: string };
      expect(error).toMatch(/^Malformed webhook-timestamp header: expected whole Unix seconds/);
      expect(error).not.toMatch(/does not match/);
      expect(seen).toHaveLength(0);
    });

    it('accepts either scheme under "any", and a both-scheme delivery cannot be replayed as Attesta', async () => {
      const { url, seen } = await run({ scheme: "any", secret: ["legacy-secret", SECRET] });
      const first = body(isoNow(), "a");
      const second = body(isoNow(), "b");
      const legacy = { "x-attesta-signature": sign(first, "legacy-secret") };
      expect((await post(url, first, legacy)).status).toBe(204);
      expect((await post(url, second, standard(second, "msg_any"))).status).toBe(204);
      const third = body(isoNow(), "c");
      const both = standard(third, "msg_both", "both");
      expect((await post(url, third, both)).status).toBe(204);
      const stripped = await post(url, third, {
        "x-attesta-signature": both["x-attesta-signature"],
      });
      expect(stripped.json).toEqual({ duplicate: true });
      expect(seen).toHaveLength(3);
    });

    it("closes the connection after an early 401 on a huge declared body instead of draining it", async () => {
      const { url, seen } = await run();
      const outcome = await flood(url, {}, 1024 ** 3);
      expect(outcome.status).toBe(401);
      expect(outcome.connection).toBe("close");
      expect(outcome.closedByServer).toBe(true);
      expect(outcome.bytesWritten).toBeLessThan(1024 ** 3);
      const malformed = await flood(url, { "x-attesta-signature": "sha256=00" }, 1024 ** 3);
      expect(malformed).toMatchObject({ status: 401, connection: "close", closedByServer: true });
      expect(seen).toEqual([]);
    });

    it("answers 413 with Connection: close and ends the connection", async () => {
      const { url } = await run({ maxBodyBytes: 1024 });
      const raw = body();
      const outcome = await flood(url, attesta(raw), 64 * 1024 ** 2);
      expect(outcome).toMatchObject({ status: 413, connection: "close", closedByServer: true });
    });
  });
}
