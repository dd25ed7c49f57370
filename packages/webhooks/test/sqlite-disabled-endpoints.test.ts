import { EventBus } from "@attesta/events";
import { startTestReceiver, until, within } from "@attesta/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "../src/dispatcher/webhook-dispatcher";
import type { DispatcherEvents } from "../src/index";
import { SqliteStore } from "../src/sqlite/index";
import { SCHEMA_VERSION } from "../src/sqlite/migrations";
import type { WebhookConfig, WebhookDispatcherOptions } from "../src/types";
import { writeOldFile } from "./sqlite/old-file";
import { openRaw } from "./sqlite/raw-database";
import { tempDbPath } from "./sqlite/temp-file";
import { sampleData, tagOf } from "./support/events";

const dispatchers: WebhookDispatcher[] = [];
afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.close({ deadlineMs: 0 });
});

type Disabled = DispatcherEvents["endpoint.disabled"];

function open(path: string, configs: WebhookConfig[], options: WebhookDispatcherOptions = {}) {
  const bus = new EventBus();
  const warnings: { message: string; fields: unknown }[] = [];
  const dispatcher = new WebhookDispatcher(bus, configs, {
    store: new SqliteStore({ path, pollIntervalMs: 50 }),
    logger: { warn: (message, fields) => warnings.push({ message, fields }), error: () => {} },
    ...options,
  });
  dispatchers.push(dispatcher);
  const disabled: Disabled[] = [];
  dispatcher.events.on("endpoint.disabled", ({ data }) => disabled.push(data));
  const emit = (count: number, from = 0) => {
    for (let n = from; n < from + count; n++) {
      bus.emit({ type: "approved", data: sampleData("approved", n) });
    }
  };
  /** Closes without a deadline, bounded so that a regression fails instead of hanging. */
  const close = async () => {
    dispatchers.splice(dispatchers.indexOf(dispatcher), 1);
    return within(dispatcher.close(), 5000, "close() still waiting");
  };
  return { bus, dispatcher, warnings, disabled, emit, close };
}

function pendingRows(path: string, endpointId: string): number {
  const db = openRaw(path, { readonly: true });
  try {
    return db
      .prepare("SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'pending'")
      .pluck()
      .get(endpointId) as number;
  } finally {
    db.close();
  }
}

const restoredWarnings = (warnings: { message: string }[]) =>
  warnings.filter((w) => w.message.includes("disabled before the restart"));

describe("disabled endpoints in a SqliteStore", () => {
  it("keeps a manually disabled constructor endpoint disabled across a restart, with its deliveries, until enableEndpoint", async () => {
    const path = tempDbPath();
    const hooks = await startTestReceiver();
    const configs = [{ id: "t", url: hooks.url }];
    const first = open(path, configs);
    first.dispatcher.disableEndpoint("t");
    first.emit(3);
    await first.dispatcher.flush();
    const report = await first.close();
    expect(report).toMatchObject({ kept: 3, undelivered: [], timedOut: false });
    expect(pendingRows(path, "t")).toBe(3);

    const second = open(path, configs);
    const [info] = second.dispatcher.endpoints();
    expect(info).toMatchObject({
      id: "t",
      state: "disabled",
      disabledReason: "manual",
      pending: 3,
    });
    expect(info?.disabledSince).toBeLessThanOrEqual(Date.now());
    expect(restoredWarnings(second.warnings)).toHaveLength(1);
    expect(restoredWarnings(second.warnings)[0]?.message).toMatch(/\bt \(manual since /);
    await Promise.resolve();
    expect(second.disabled).toEqual([
      expect.objectContaining({ endpointId: "t", reason: "manual", restored: true }),
    ]);
    // A dispatcher sends what it owes on the next turn of the event loop, and a request to this loopback receiver arrives within milliseconds: had the restored endpoint come back enabled, its pending delivery would be here within 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hooks.requests).toHaveLength(0);

    expect(second.dispatcher.enableEndpoint("t")).toBe(true);
    await second.dispatcher.flush();
    expect(hooks.requests.map((r) => tagOf(r.body))).toEqual([0, 1, 2]);
    await second.close();

    const third = open(path, configs);
    expect(third.dispatcher.endpoints()[0]).toMatchObject({ state: "enabled", pending: 0 });
    expect(restoredWarnings(third.warnings)).toEqual([]);
  });

  it("keeps an endpoint added at run time and disabled by 410 Gone disabled across a restart", async () => {
    const path = tempDbPath();
    let gone = true;
    const hooks = await startTestReceiver((_req, res) => res.writeHead(gone ? 410 : 204).end());
    const first = open(path, []);
    first.dispatcher.addEndpoint({ id: "tenant", url: hooks.url, concurrency: 1 });
    first.emit(3);
    const report = await first.close();
    expect(first.disabled.map((d) => d.reason)).toEqual(["gone"]);
    expect(report.undelivered.map((l) => l.reason)).toEqual(["rejected"]);
    expect(report).toMatchObject({ kept: 2, timedOut: false });

    gone = false;
    const second = open(path, []);
    expect(second.dispatcher.endpoints()[0]).toMatchObject({
      id: "tenant",
      state: "disabled",
      disabledReason: "gone",
      pending: 2,
    });
    await Promise.resolve();
    // The time of the disable before the restart, not of the restart.
    expect(second.disabled[0]?.since).toBe(first.disabled[0]?.since);
    // A dispatcher sends what it owes on the next turn of the event loop, and a request to this loopback receiver arrives within milliseconds: had the restored endpoint come back enabled, its two pending deliveries would be here within 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hooks.requests).toHaveLength(1);
    second.dispatcher.enableEndpoint("tenant");
    await second.dispatcher.flush();
    expect(hooks.requests.slice(1).map((r) => tagOf(r.body))).toEqual([1, 2]);
  });

  it("close() at its deadline keeps the deliveries of disabled and enabled endpoints in the file, with the cut attempts recorded as aborted", async () => {
    const path = tempDbPath();
    // Never answers: only the deadline ends the attempt.
    const hang = await startTestReceiver(() => {});
    const first = open(path, [
      { id: "live", url: hang.url },
      { id: "off", url: `${hang.url}?off` },
    ]);
    first.dispatcher.disableEndpoint("off");
    first.emit(2);
    await hang.waitForRequests(2);
    dispatchers.splice(0);
    const report = await first.dispatcher.close({ deadlineMs: 100 });
    expect(report).toMatchObject({ timedOut: true, kept: 4, undelivered: [] });
    expect(pendingRows(path, "off")).toBe(2);
    expect(pendingRows(path, "live")).toBe(2);
    const db = openRaw(path, { readonly: true });
    try {
      const kinds = db
        .prepare(
          "SELECT a.error_kind FROM attempts a JOIN deliveries d ON d.seq = a.delivery_seq WHERE d.endpoint_id = 'live'",
        )
        .pluck()
        .all();
      expect(kinds).toEqual(["aborted", "aborted"]);
    } finally {
      db.close();
    }
  });

  it("keeps a disabled endpoint restored without its secret disabled for its own reason; enableEndpoint needs the secret first", async () => {
    const path = tempDbPath();
    const hooks = await startTestReceiver();
    const first = open(path, []);
    first.dispatcher.addEndpoint({ id: "t", url: hooks.url, secret: "whsec_restart-7c1d" });
    first.dispatcher.disableEndpoint("t");
    first.emit(1);
    expect(await first.close()).toMatchObject({ kept: 1 });

    const second = open(path, [], { secrets: () => undefined });
    expect(second.dispatcher.endpoints()[0]).toMatchObject({
      state: "disabled",
      disabledReason: "manual",
      signed: false,
    });
    expect(second.warnings.some((w) => w.message.includes('"secret_missing"'))).toBe(true);
    expect(() => second.dispatcher.enableEndpoint("t")).toThrow(/updateEndpoint\("t"/);
    second.dispatcher.updateEndpoint("t", { secret: "whsec_restart-7c1d" });
    // Disabled by hand: having the secret again does not enable it.
    expect(second.dispatcher.endpoints()[0]).toMatchObject({ state: "disabled", signed: true });
    expect(second.dispatcher.enableEndpoint("t")).toBe(true);
    await hooks.waitForRequests(1);
    expect(hooks.requests[0]?.headers["x-attesta-signature"]).toMatch(/^sha256=/);
  });

  it("keeps an endpoint disabled for failing longer than disableAfterMs disabled across a restart", async () => {
    const path = tempDbPath();
    const hooks = await startTestReceiver((_req, res) => res.writeHead(503).end());
    const config: WebhookConfig = {
      id: "flaky",
      url: hooks.url,
      concurrency: 1,
      disableAfterMs: 200,
      circuitBreaker: { consecutiveFailures: 1, openMs: 50, maxOpenMs: 50 },
    };
    const first = open(path, [config]);
    first.emit(5);
    await until(() => first.disabled.length > 0, 5000);
    const report = await first.close();
    expect(report.kept).toBeGreaterThan(0);

    const second = open(path, [config]);
    expect(second.dispatcher.endpoints()[0]).toMatchObject({
      state: "disabled",
      disabledReason: "failing",
      pending: report.kept,
    });
  });

  it(`upgrades a version 3 file to version ${SCHEMA_VERSION} keeping endpoints and deliveries, then stores disables`, async () => {
    const path = tempDbPath();
    const id = "22222222-2222-4222-8222-222222222222";
    writeOldFile(path, 3, { id, endpointId: "tenant", attempts: 0 }, (db) => {
      db.prepare(
        "INSERT INTO endpoints (id, config, signed, updated_at) VALUES (?, ?, 0, 1000)",
      ).run("tenant", JSON.stringify({ id: "tenant", url: "http://127.0.0.1:9/placeholder" }));
    });

    const hooks = await startTestReceiver();
    const first = open(path, []);
    expect(first.dispatcher.endpoints()).toEqual([
      expect.objectContaining({ id: "tenant", state: "enabled", pending: 1 }),
    ]);
    // The stored URL is a placeholder: disable before anything is sent, then point it here.
    first.dispatcher.disableEndpoint("tenant");
    first.dispatcher.updateEndpoint("tenant", { url: hooks.url });
    expect(await first.close()).toMatchObject({ kept: 1 });

    const db = openRaw(path, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT id, signed, disabled_reason FROM endpoints").all()).toEqual([
      { id: "tenant", signed: 0, disabled_reason: "manual" },
    ]);
    db.close();

    const second = open(path, []);
    expect(second.dispatcher.endpoints()[0]).toMatchObject({ state: "disabled", pending: 1 });
    second.dispatcher.enableEndpoint("tenant");
    await hooks.waitForRequests(1);
    expect(hooks.requests[0]?.headers["x-attesta-delivery"]).toBe(id);
  });
});
