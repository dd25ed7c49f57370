/**
 * `attesta deliveries … --redis` over the queues of real BullMQ workers and a
 * real producer on the Redis at REDIS_URL (127.0.0.1:6379 by default), and the
 * redeliveries those workers carry out.
 */
import { randomBytes } from "node:crypto";
import { startTestReceiver, until } from "@attesta/test-support";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { dropRedisPrefix, startBullmqApp } from "./support/bullmq-app";
import { runCli } from "./support/cli";
import { listDeliveries } from "./support/store-app";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `attesta-cli-${process.pid}-${randomBytes(3).toString("hex")}`;
const redisArgs = ["--redis", REDIS_URL, "--prefix", prefix];

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(() => dropRedisPrefix(REDIS_URL, prefix));

/** Lists until `done` holds (at most 20 s, one CLI run at a time); the last list. */
type Listed = { id: string; status: string };

async function listUntil(done: (records: Listed[]) => boolean, ...args: string[]) {
  let records: Listed[] = [];
  await until(
    async () => {
      records = await listDeliveries(redisArgs, ...args);
      return done(records);
    },
    20_000,
    100,
    () => `last list: ${JSON.stringify(records.map((r) => r.status))}`,
  );
  return records;
}

describe("attesta deliveries --redis", () => {
  it("lists, shows and recovers BullMQ's deliveries; the workers send them again", {
    timeout: 90_000,
  }, async () => {
    const state = { acceptAll: false };
    const receiver = await startTestReceiver((req, res) => {
      const refuse = !state.acceptAll && req.headers["x-attesta-event"] === "denied";
      res.writeHead(refuse ? 422 : 204).end();
    }, "/hooks");
    await startBullmqApp(REDIS_URL, prefix, receiver.url, closers);

    const all = await listUntil((records) => records.every((r) => r.status !== "pending"));
    expect(all.map((d) => d.status).sort()).toEqual(["dead", "dead", "delivered"]);
    const dead = all.filter((d) => d.status === "dead");
    const shown = await runCli(["deliveries", "show", dead[0]?.id ?? "", ...redisArgs]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/HTTP 422/);

    state.acceptAll = true;
    const recover = await runCli(["deliveries", "recover", ...redisArgs, "--json"]);
    expect(recover.code, recover.stderr).toBe(0);
    expect(JSON.parse(recover.stdout)).toEqual({ matched: 2, requested: 2, dry_run: false });
    await listUntil((records) => records.length === 0, "--status", "dead");
    await until(() => receiver.requests.length === 5, 20_000);
    const ids = receiver.requests.map((request) => request.headers["x-attesta-delivery"]);
    // Sent again under their ids: both dead letters arrived twice.
    for (const { id } of dead) expect(ids.filter((other) => other === id)).toHaveLength(2);
  });

  it("refuses --prefix without --redis as a usage error", async () => {
    const result = await runCli(["deliveries", "list", "--db", "x.db", "--prefix", prefix]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--prefix needs --redis");
  });
});
