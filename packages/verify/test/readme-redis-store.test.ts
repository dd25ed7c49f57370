/**
 * The README's Redis replay store, extracted from the README as written and
 * run against a real Redis behind a real Express server.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAttesta } from "../src/adapters/express/index";
import { sign } from "../src/index";
import type { ReplayStore } from "../src/replay/replay-store";
import { isoNow } from "./support/deliveries";
import { close, listen, post } from "./support/http";
import { startRedis, type TestRedis } from "./support/redis";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");

/** The block fenced as ```ts redis-replay-store in the README. */
function readmeBlock(): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const match = /```ts redis-replay-store\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error("README.md has no ```ts redis-replay-store block");
  return match[1];
}

type StoreFactory = (redis: unknown, prefix?: string) => ReplayStore;

describe("the README's Redis replay store", () => {
  let redis: TestRedis;
  let redisReplayStore: StoreFactory;
  let dir: string;
  const prefix = `attesta-verify-test:${randomUUID()}:`;

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), "attesta-readme-"));
    const file = join(dir, "redis-replay-store.mjs");
    const code = ts.transpileModule(readmeBlock(), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(file, code);
    ({ redisReplayStore } = (await import(pathToFileURL(file).href)) as {
      redisReplayStore: StoreFactory;
    });
  });
  afterAll(async () => {
    const keys = await redis.client.keys(`${prefix}*`);
    if (keys.length > 0) await redis.client.del(...keys);
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps keys with their TTL under the prefix", async () => {
    const store = redisReplayStore(redis.client, prefix);
    expect(await store.has("k")).toBe(false);
    await store.add("k", 60);
    expect(await store.has("k")).toBe(true);
    const ttl = await redis.client.ttl(`${prefix}k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it("stops a replay across two receiver processes' worth of middleware sharing one Redis", async () => {
    const store = redisReplayStore(redis.client, prefix);
    const seen: unknown[] = [];
    const servers = [0, 1].map(() => {
      const app = express();
      app.post("/hook", verifyAttesta({ secret: "s", replay: store }), (req, res) => {
        seen.push(req.attesta);
        res.sendStatus(204);
      });
      return createServer(app);
    });
    const urls = await Promise.all(servers.map(listen));
    try {
      const body = JSON.stringify({ event: "APPROVED", timestamp: isoNow(), data: {} });
      const headers = { "x-attesta-signature": sign(body, "s") };
      expect((await post(`${urls[0]}/hook`, body, headers)).status).toBe(204);
      const replay = await post(`${urls[1]}/hook`, body, headers);
      expect(replay.status).toBe(200);
      expect(replay.json).toEqual({ duplicate: true });
      expect(seen).toHaveLength(1);
      const [key] = await redis.client.keys(`${prefix}attesta:*`);
      expect(await redis.client.ttl(key ?? "")).toBeGreaterThan(259_000);
    } finally {
      await Promise.all(servers.map(close));
    }
  });
});
