import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { EventBus } from "@attesta/events";
import type { Receiver } from "@attesta/test-support";
import { startTestReceiver, until } from "@attesta/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "../src/dispatcher/webhook-dispatcher";
import { SqliteStore, SqliteStoreLockedError } from "../src/sqlite/index";
import type { WebhookConfig } from "../src/types";
import { tempDbPath } from "./sqlite/temp-file";
import { sampleData } from "./support/events";

const dispatchers: WebhookDispatcher[] = [];
afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.close({ deadlineMs: 100 });
});

function open(path: string, config: WebhookConfig) {
  const bus = new EventBus();
  const dispatcher = new WebhookDispatcher(bus, [{ id: "hooks", ...config }], {
    store: new SqliteStore({ path, pollIntervalMs: 50 }),
    logger: null,
  });
  dispatchers.push(dispatcher);
  return { bus, dispatcher };
}

const distSqlite = new URL("../dist/sqlite/index.js", import.meta.url).href;

/** Asks for a redelivery from another node process, as a CLI or a dashboard would. */
async function requestRedeliveryFromAnotherProcess(path: string, id: string): Promise<string> {
  const script = `import { SqliteStore } from ${JSON.stringify(distSqlite)};
const file = SqliteStore.inspect(process.argv[1]);
console.log(file.requestRedelivery(process.argv[2]));
file.close();`;
  const { stdout } = await promisify(execFile)(process.execPath, [
    "--input-type=module",
    "-e",
    script,
    path,
    id,
  ]);
  return stdout.trim();
}

const deliveryId = (r: Receiver, i: number) => r.requests[i]?.headers["x-attesta-delivery"];

describe("WebhookDispatcher on a SqliteStore", () => {
  it("delivers to a real receiver under the stored ids and records every attempt", async () => {
    const path = tempDbPath();
    const hooks = await startTestReceiver((_req, res, index) =>
      index === 0 ? res.writeHead(503).end("busy, try again") : res.writeHead(200).end("ok"),
    );
    const { bus, dispatcher } = open(path, { url: hooks.url, retryBaseDelayMs: 10, retryCount: 2 });
    bus.emit({ type: "approved", data: sampleData("approved", 1) });
    bus.emit({ type: "denied", data: sampleData("denied", 2) });
    await dispatcher.persisted();
    await dispatcher.flush();

    const records = dispatcher.deliveries.list({ status: "delivered" });
    expect(records.map((r) => r.event).sort()).toEqual(["APPROVED", "DENIED"]);
    const ids = new Set(hooks.requests.map((_, i) => deliveryId(hooks, i)));
    expect(ids).toEqual(new Set(records.map((r) => r.id)));
    const retried = records.find((r) => r.attempts === 2);
    expect(retried?.attemptLog).toMatchObject([
      { attempt: 1, status: 503, errorKind: "http_status", responseBody: "busy, try again" },
      { attempt: 2, status: 200, responseBody: "ok" },
    ]);
    // Another process sees the same records while the dispatcher runs.
    const file = SqliteStore.inspect(path);
    expect(file.counts()).toEqual({ pending: 0, delivered: 2, dead: 0 });
    expect(file.get(retried?.id ?? "")?.attemptLog).toHaveLength(2);
    file.close();
  });

  it("refuses a second dispatcher on the same file", async () => {
    const path = tempDbPath();
    const hooks = await startTestReceiver();
    open(path, { url: hooks.url });
    expect(() => open(path, { url: hooks.url })).toThrow(SqliteStoreLockedError);
  });

  it("keeps dead letters across a restart and recovers them under the same ids", async () => {
    const path = tempDbPath();
    let up = false;
    const hooks = await startTestReceiver((_req, res) => res.writeHead(up ? 204 : 500).end());
    const first = open(path, { url: hooks.url, retryCount: 0 });
    for (let n = 0; n < 3; n++)
      first.bus.emit({ type: "approved", data: sampleData("approved", n) });
    await first.dispatcher.flush();
    const dead = first.dispatcher.deliveries.list({ status: "dead" }).map((r) => r.id);
    expect(dead).toHaveLength(3);
    await first.dispatcher.close();

    up = true;
    const second = open(path, { url: hooks.url, retryCount: 0 });
    expect(second.dispatcher.recover({ endpoint: "hooks" })).toBe(3);
    await second.dispatcher.flush();
    const resent = hooks.requests.slice(3).map((_, i) => deliveryId(hooks, i + 3));
    expect(new Set(resent)).toEqual(new Set(dead));
    for (const id of dead)
      expect(second.dispatcher.deliveries.get(id)).toMatchObject({
        status: "delivered",
        attempts: 2,
      });
  });

  it("carries out a redelivery requested from another process at the next start", async () => {
    const path = tempDbPath();
    const hooks = await startTestReceiver();
    const first = open(path, { url: hooks.url });
    first.bus.emit({ type: "approved", data: sampleData("approved", 7) });
    await first.dispatcher.flush();
    const id = String(deliveryId(hooks, 0));
    await first.dispatcher.close();

    const file = SqliteStore.inspect(path);
    expect(file.requestRedelivery(id)).toBe(true);
    file.close();
    open(path, { url: hooks.url });
    await until(() => hooks.requests.length === 2);
    expect(deliveryId(hooks, 1)).toBe(id);
    expect(hooks.requests[1]?.body).toEqual(hooks.requests[0]?.body);
  });

  it("sends a redelivery requested by another process while it runs, with no new event", async () => {
    const path = tempDbPath();
    // Refuses the first request for good (a 4xx: dead at once), accepts the rest.
    const hooks = await startTestReceiver((_req, res, index) =>
      index === 0 ? res.writeHead(422).end("no") : res.writeHead(200).end("ok"),
    );
    const { bus, dispatcher } = open(path, { url: hooks.url, retryBaseDelayMs: 10 });
    bus.emit({ type: "approved", data: sampleData("approved", 1) });
    await dispatcher.flush();
    const [dead] = dispatcher.deliveries.list({ status: "dead" });
    expect(dead?.deadReason).toBe("rejected");
    expect(hooks.requests).toHaveLength(1);

    expect(await requestRedeliveryFromAnotherProcess(path, dead?.id ?? "")).toBe("true");
    // Nothing is emitted from here on: only the owner's poll can pick the request up.
    await until(() => hooks.requests.length === 2);
    expect(deliveryId(hooks, 1)).toBe(dead?.id);
    expect(hooks.requests[1]?.body).toEqual(hooks.requests[0]?.body);
    await until(() => dispatcher.deliveries.get(dead?.id ?? "")?.status === "delivered");
    expect(dispatcher.deliveries.get(dead?.id ?? "")?.attemptLog.map((a) => a.status)).toEqual([
      422, 200,
    ]);
  });
});
