/**
 * `attesta console --pg` and `--redis` over what real dispatchers and BullMQ
 * workers wrote: the same API, newest first, and redeliveries the owning
 * process or the workers carry out.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestReceiver, until } from "@attesta/test-support";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { dropRedisPrefix, startBullmqApp } from "./support/bullmq-app";
import { act, getJson, startConsole } from "./support/console-bin";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const schema = `attesta_console_${process.pid}_${randomBytes(3).toString("hex")}`;
const prefix = `attesta-console-${process.pid}-${randomBytes(3).toString("hex")}`;

afterAll(async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  await dropRedisPrefix(REDIS_URL, prefix);
});

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Refuses DENIED with 422 (dead at once) until `state.acceptAll`. */
async function receiver() {
  const state = { acceptAll: false };
  const { url } = await startTestReceiver((req, res) => {
    const refuse = !state.acceptAll && req.headers["x-attesta-event"] === "denied";
    res.writeHead(refuse ? 422 : 204).end();
  }, "/hooks");
  return { url, state };
}

/** The fixture app on the schema: emits `events`, waits for `wait` deliveries, closes. */
async function runApp(url: string, events: string, wait: number) {
  const app = spawn(
    process.execPath,
    [join(fixtures, "store-run.mjs"), `${DATABASE_URL}?schema=${schema}`, url, events, `${wait}`],
    { stdio: "ignore" },
  );
  const timer = setTimeout(() => app.kill("SIGKILL"), 30_000);
  const [code] = await once(app, "close");
  clearTimeout(timer);
  expect(code).toBe(0);
}

/** Polls `read` until `done` says yes (at most 15 s) and returns what it read last. */
async function readUntil<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  await until(
    async () => {
      value = await read();
      return done(value);
    },
    15_000,
    50,
    () => `last read: ${JSON.stringify(value)}`,
  );
  return value;
}

type Page = { items: { id: string; event: string; status: string; createdAt: number }[] };

describe("attesta console on other sources", () => {
  it("--pg: lists a PostgresStore schema newest first; a redelivery is sent by the next process on it", async () => {
    const { url, state } = await receiver();
    await runApp(url, "approved,denied,denied", 1);

    const running = await startConsole(["--pg", DATABASE_URL, "--schema", schema]);
    closers.push(async () => {
      running.child.kill("SIGTERM");
      await once(running.child, "exit");
    });
    expect(running.stdout()).toContain(`for PostgreSQL schema "${schema}"`);
    expect(running.session).toMatchObject({ source: "postgres", role: "operator" });
    const all = await getJson<Page>(running, "deliveries");
    expect(all.items.map((d) => [d.event, d.status])).toEqual([
      ["DENIED", "dead"],
      ["DENIED", "dead"],
      ["APPROVED", "delivered"],
    ]);
    const {
      items: [endpoint],
    } = await getJson<{ items: { id: string; failureRate: number }[] }>(running, "endpoints");
    expect(endpoint).toMatchObject({ id: "crm", failureRate: 2 / 3 });
    const dead = all.items[0]?.id as string;
    expect((await act(running, `deliveries/${dead}/redeliver`)).body).toEqual({
      redelivered: 1,
      deferred: true,
    });
    const page = await getJson<Page>(running, "deliveries?status=pending");
    expect(page.items.map((d) => d.id)).toEqual([dead]);
    state.acceptAll = true;
    await runApp(url, "", 1);
    expect(await getJson<{ status: string }>(running, `deliveries/${dead}`)).toMatchObject({
      status: "delivered",
    });
  });

  it("--redis: finds the endpoint queues, pages them, and redelivers a dead letter the workers send", async () => {
    const { url, state } = await receiver();
    await startBullmqApp(REDIS_URL, prefix, url, closers);

    const running = await startConsole(["--redis", REDIS_URL, "--prefix", prefix]);
    closers.push(async () => {
      running.child.kill("SIGTERM");
      await once(running.child, "exit");
    });
    expect(running.session).toMatchObject({ source: "bullmq", role: "operator" });
    const dead = await readUntil(
      () => getJson<Page>(running, "deliveries?status=dead"),
      (page) => page.items.length === 2,
    );
    expect(dead.items.map((d) => d.event)).toEqual(["DENIED", "DENIED"]);
    const { items } = await getJson<{ items: { id: string }[] }>(running, "endpoints");
    expect(items.map((e) => e.id)).toEqual(["crm"]);
    state.acceptAll = true;
    const id = dead.items[0]?.id as string;
    expect((await act(running, `deliveries/${id}/redeliver`)).body).toMatchObject({
      redelivered: 1,
    });
    const shown = await readUntil(
      () => getJson<{ status: string }>(running, `deliveries/${id}`),
      (delivery) => delivery.status === "delivered",
    );
    expect(shown.status).toBe("delivered");
  });

  it("refuses two sources at once, and --schema without --pg, as usage errors", async () => {
    const both = await startConsoleFailure(["--db", "x.db", "--redis", REDIS_URL]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--db and --redis were both given");
    const schemaAlone = await startConsoleFailure(["--db", "x.db", "--schema", "s"]);
    expect(schemaAlone.stderr).toContain("--schema needs --pg");
  });
});

async function startConsoleFailure(args: string[]) {
  const { runCli } = await import("./support/cli");
  return runCli(["console", ...args, "--port", "0"]);
}
