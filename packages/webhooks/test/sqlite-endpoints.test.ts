import type { ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EventBus } from "@attesta/events";
import { startTestReceiver, until } from "@attesta/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "../src/dispatcher/webhook-dispatcher";
import { SqliteStore } from "../src/sqlite/index";
import { SCHEMA_VERSION } from "../src/sqlite/migrations";
import type { WebhookConfig, WebhookDispatcherOptions } from "../src/types";
import { writeOldFile } from "./sqlite/old-file";
import { openRaw } from "./sqlite/raw-database";
import { tempDbPath } from "./sqlite/temp-file";
import { parseTagged as parse, startNode } from "./support/child-process";
import { sampleData } from "./support/events";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
if (!existsSync(here("../dist/sqlite/index.js")))
  throw new Error('dist/ is missing: run "pnpm --filter @attesta/webhooks build" first');

const SECRET = "whsec_endpoint-restore-9f3a1c";
const children: ChildProcess[] = [];
const dispatchers: WebhookDispatcher[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.close({ deadlineMs: 100 });
});

function open(
  path: string,
  configs: WebhookConfig[],
  options: WebhookDispatcherOptions & { storeSecrets?: boolean } = {},
) {
  const { storeSecrets, ...rest } = options;
  const bus = new EventBus();
  const store = new SqliteStore({ path, pollIntervalMs: 50, storeSecrets });
  const dispatcher = new WebhookDispatcher(bus, configs, { store, logger: null, ...rest });
  dispatchers.push(dispatcher);
  return { bus, dispatcher };
}

async function closeAll(): Promise<void> {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.close({ deadlineMs: 100 });
}

/** The raw bytes of the database file and its WAL, as an attacker with read access sees them. */
function rawBytes(path: string): Buffer {
  const parts = [path, `${path}-wal`].filter((file) => existsSync(file));
  return Buffer.concat(parts.map((file) => readFileSync(file)));
}

const signature = (body: Buffer, secret: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

const startChild = (args: string[]) =>
  startNode([here("./sqlite/endpoint-process.mjs"), ...args], children);

describe("endpoint configs in a SqliteStore", () => {
  it("restores an endpoint added at run time in a killed process, with its secret from the resolver, and never writes the secret", async () => {
    const path = tempDbPath();
    const hooks = await startTestReceiver();
    const first = await startChild(["add", path, hooks.url, SECRET]);
    const { deliveryId } = parse(first.line, "READY");
    expect(typeof deliveryId).toBe("string");
    first.child.kill("SIGKILL");
    await once(first.child, "exit");

    const stored = rawBytes(path);
    expect(stored.includes(Buffer.from(hooks.url))).toBe(true);
    expect(stored.includes(Buffer.from(SECRET))).toBe(false);
    expect(hooks.requests).toHaveLength(0);

    const second = await startChild(["restore", path, hooks.url, SECRET]);
    const result = parse(second.line, "RESTORED");
    // Disabled by hand before the kill: it comes back disabled, not enabled.
    expect(result.restored).toEqual([
      expect.objectContaining({
        id: "tenant-7",
        url: hooks.url,
        signed: true,
        state: "disabled",
        disabledReason: "manual",
      }),
    ]);
    expect(result).toMatchObject({ delivered: 1, undelivered: 0 });
    expect(hooks.requests).toHaveLength(1);
    const request = hooks.requests[0];
    expect(request?.headers["x-attesta-delivery"]).toBe(deliveryId);
    expect(request?.headers["x-attesta-signature"]).toBe(
      signature(request?.body ?? Buffer.alloc(0), SECRET),
    );
    expect(rawBytes(path).includes(Buffer.from(SECRET))).toBe(false);
  });

  it("keeps a restored endpoint whose secret cannot be found disabled (close() keeps its deliveries) until updateEndpoint gives it one", async () => {
    const path = tempDbPath();
    const hooks = await startTestReceiver();
    const down = await startTestReceiver((_req, res) => res.writeHead(503).end());
    const first = open(path, []);
    first.dispatcher.addEndpoint({
      id: "t1",
      url: down.url,
      secret: SECRET,
      retryCount: 5,
      retryBaseDelayMs: 60_000,
    });
    first.bus.emit({ type: "approved", data: sampleData("approved", 1) });
    await down.waitForRequests(1);
    // At its deadline close() leaves the retry wait pending in the file for the next process.
    expect(await first.dispatcher.close({ deadlineMs: 0 })).toMatchObject({
      kept: 1,
      undelivered: [],
    });
    dispatchers.splice(0);

    const reopened = open(path, [], { secrets: () => undefined });
    const disabled: string[] = [];
    reopened.dispatcher.events.on("endpoint.disabled", ({ data }) =>
      disabled.push(`${data.endpointId} ${data.reason}`),
    );
    expect(reopened.dispatcher.recover({ endpoint: "t1" })).toBe(0);
    // A dispatcher sends what it owes on the next turn of the event loop, and a request to this loopback receiver arrives within milliseconds: a redelivery recover() wrongly started would be here well within 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(down.requests).toHaveLength(1);
    expect(disabled).toEqual(["t1 secret_missing"]);
    expect(reopened.dispatcher.endpoints()).toEqual([
      expect.objectContaining({
        id: "t1",
        signed: false,
        state: "disabled",
        disabledReason: "secret_missing",
        pending: 1,
      }),
    ]);
    expect(() => reopened.dispatcher.enableEndpoint("t1")).toThrow(/updateEndpoint\("t1"/);
    // Not owed now: close() without a deadline does not wait for it, and leaves it in the file.
    const report = await reopened.dispatcher.close();
    expect(report).toMatchObject({ kept: 1, undelivered: [], timedOut: false });
    dispatchers.splice(0);

    const third = open(path, [], { secrets: () => undefined });
    expect(third.dispatcher.endpoints()[0]).toMatchObject({ pending: 1, state: "disabled" });
    third.dispatcher.updateEndpoint("t1", { secret: SECRET, url: hooks.url });
    await hooks.waitForRequests(1);
    const request = hooks.requests[0];
    expect(request?.headers["x-attesta-signature"]).toBe(
      signature(request?.body ?? Buffer.alloc(0), SECRET),
    );
    expect(third.dispatcher.endpoints()[0]).toMatchObject({ state: "enabled", signed: true });
    expect(rawBytes(path).includes(Buffer.from(SECRET))).toBe(false);
  });

  it("reports the disabled endpoint as an operator event when the resolver throws", async () => {
    const path = tempDbPath();
    open(path, []).dispatcher.addEndpoint({
      id: "t1",
      url: "http://127.0.0.1:9/x",
      secret: SECRET,
    });
    await closeAll();
    const errors: string[] = [];
    const disabled: string[] = [];
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(bus, [], {
      store: new SqliteStore({ path, pollIntervalMs: 50 }),
      logger: { warn: (m) => errors.push(m), error: (m) => errors.push(m) },
      secrets: () => {
        throw new Error("vault unreachable");
      },
    });
    dispatchers.push(dispatcher);
    dispatcher.events.on("endpoint.disabled", ({ data }) => disabled.push(data.reason));
    expect(dispatcher.endpoints()[0]).toMatchObject({ id: "t1", disabledReason: "secret_missing" });
    expect(errors.some((m) => m.includes('options.secrets("t1") threw'))).toBe(true);
    expect(errors.some((m) => m.includes("secret_missing"))).toBe(true);
    // Reported after the constructor returned, so that a listener added then hears it.
    expect(disabled).toEqual([]);
    await Promise.resolve();
    expect(disabled).toEqual(["secret_missing"]);
  });

  it("lets constructor configs win over stored copies, forgets removed endpoints and keeps unsigned ones unsigned", async () => {
    const path = tempDbPath();
    const hooks = await startTestReceiver();
    const first = open(path, [{ id: "static", url: hooks.url, secret: SECRET }]);
    first.dispatcher.addEndpoint({ id: "gone", url: hooks.url, secret: SECRET });
    first.dispatcher.addEndpoint({ id: "plain", url: hooks.url });
    first.dispatcher.updateEndpoint("plain", { events: ["denied"] });
    await first.dispatcher.removeEndpoint("gone");
    await closeAll();

    const other = `${hooks.url}?v=2`;
    const { bus, dispatcher } = open(path, [{ id: "static", url: other, secret: SECRET }], {
      secrets: () => {
        throw new Error("no signed endpoint needs a lookup here");
      },
    });
    const list = dispatcher.endpoints();
    expect(list.map((e) => e.id)).toEqual(["static", "plain"]);
    expect(list[0]).toMatchObject({ url: other, signed: true, state: "enabled" });
    expect(list[1]).toMatchObject({ events: ["denied"], signed: false, state: "enabled" });
    bus.emit({ type: "denied", data: sampleData("denied", 1) });
    await dispatcher.flush();
    expect(hooks.requests.map((r) => r.path).sort()).toEqual(["/hook", "/hook?v=2"]);

    const db = openRaw(path, { readonly: true });
    const rows = db.prepare("SELECT id, config FROM endpoints ORDER BY seq").all() as {
      id: string;
      config: string;
    }[];
    db.close();
    expect(rows.map((r) => r.id)).toEqual(["static", "plain"]);
    expect(JSON.parse(rows[0]?.config ?? "{}")).toEqual({ id: "static", url: other });
  });

  it("writes secrets only with storeSecrets: true, and then needs no resolver", async () => {
    const path = tempDbPath();
    const hooks = await startTestReceiver();
    open(path, [], { storeSecrets: true }).dispatcher.addEndpoint({
      id: "t1",
      url: hooks.url,
      secret: SECRET,
    });
    await closeAll();
    expect(rawBytes(path).includes(Buffer.from(SECRET))).toBe(true);

    const { bus, dispatcher } = open(path, [], { storeSecrets: true });
    expect(dispatcher.endpoints()[0]).toMatchObject({ id: "t1", signed: true, state: "enabled" });
    bus.emit({ type: "approved", data: sampleData("approved", 1) });
    await hooks.waitForRequests(1);
    const request = hooks.requests[0];
    expect(request?.headers["x-attesta-signature"]).toBe(
      signature(request?.body ?? Buffer.alloc(0), SECRET),
    );
  });

  it("refuses a secret handed to saveEndpoint without storeSecrets", async () => {
    const path = tempDbPath();
    const { dispatcher } = open(path, []);
    dispatcher.addEndpoint({ id: "t1", url: "http://127.0.0.1:9/x" });
    const store = new SqliteStore({ path: tempDbPath() });
    expect(() =>
      store.saveEndpoint({ id: "x", config: { url: "http://a", secret: SECRET }, signed: true }),
    ).toThrow(/storeSecrets/);
  });

  it(`upgrades a version 2 file to version ${SCHEMA_VERSION} without losing deliveries`, async () => {
    const path = tempDbPath();
    const id = "11111111-1111-4111-8111-111111111111";
    writeOldFile(path, 2, { id, endpointId: "static", attempts: 1 });

    const hooks = await startTestReceiver();
    const { dispatcher } = open(path, [{ id: "static", url: hooks.url }]);
    await hooks.waitForRequests(1);
    expect(hooks.requests[0]?.headers["x-attesta-delivery"]).toBe(id);
    expect(hooks.requests[0]?.body.toString()).toBe('{"event":"APPROVED"}');
    await until(() => dispatcher.stats().delivered === 1);
    const db = openRaw(path, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT id FROM endpoints").pluck().all()).toEqual(["static"]);
    db.close();
  });
});
