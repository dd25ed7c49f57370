import { describe, expect, it } from "vitest";
import type { DroppedEvent, FormatFunction, WebhookConfig } from "../src/index";
import { dispatcherAdmin } from "../src/index";
import { SqliteStore } from "../src/sqlite/index";
import { SCHEMA_VERSION } from "../src/sqlite/migrations";
import { writeOldFile } from "./sqlite/old-file";
import { openRaw } from "./sqlite/raw-database";
import { tempDbPath } from "./sqlite/temp-file";
import { ANSWERS, startChatReceiver } from "./support/chat-receiver";
import { sampleData } from "./support/events";
import { openStoreDispatcher } from "./support/store-dispatcher";
import { startTestReceiver } from "./support/test-receiver";
import { until } from "./support/until";

const open = (path: string, configs: WebhookConfig[]) =>
  openStoreDispatcher(new SqliteStore({ path, pollIntervalMs: 50 }), configs);

function rows<T>(path: string, sql: string): T[] {
  const db = openRaw(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const plainText: FormatFunction = (payload) => ({
  body: `${payload.event} for the audit log`,
  contentType: "text/plain; charset=utf-8",
  headers: { "x-team": "payments" },
});

describe("SqliteStore schema 8", () => {
  it("upgrades a version 7 file in place: its rows stay application/json, new ones keep their format's content type and headers", async () => {
    const path = tempDbPath();
    const oldId = "66666666-6666-4666-8666-666666666666";
    writeOldFile(path, 7, { id: oldId, endpointId: "audit", attempts: 0 }, (db) => {
      db.prepare(
        `INSERT INTO endpoints (id, config, signed, updated_at, disabled_reason, disabled_since)
         VALUES ('old-hook', ?, 0, 1000, 'gone', 1000)`,
      ).run(JSON.stringify({ id: "old-hook", url: "http://127.0.0.1:9/hook" }));
    });
    const receiver = await startTestReceiver();
    const { bus, dispatcher, disabled, close } = open(path, [
      { id: "audit", url: receiver.url, format: plainText },
    ]);
    bus.emit({ type: "denied", data: sampleData("denied") });
    await receiver.waitForRequests(2);
    await dispatcher.flush();
    const [old, fresh] = receiver.requests;
    expect(old?.headers["x-attesta-delivery"]).toBe(oldId);
    expect(old?.headers["content-type"]).toBe("application/json");
    expect(old?.headers["x-team"]).toBeUndefined();
    expect(fresh?.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(fresh?.headers["x-team"]).toBe("payments");
    expect(fresh?.body.toString("utf8")).toBe("DENIED for the audit log");
    // The endpoint disabled before the upgrade keeps its reason, without a code.
    await until(() => disabled.length === 1);
    expect(disabled[0]).toMatchObject({ endpointId: "old-hook", reason: "gone", restored: true });
    expect(disabled[0]).not.toHaveProperty("receiverCode");
    await close();

    expect(rows(path, "PRAGMA user_version")).toEqual([{ user_version: SCHEMA_VERSION }]);
    expect(
      rows(
        path,
        "SELECT id, content_type, headers FROM deliveries WHERE endpoint_id = 'audit' ORDER BY seq",
      ),
    ).toEqual([
      { id: oldId, content_type: null, headers: null },
      { id: null, content_type: "text/plain; charset=utf-8", headers: '{"x-team":"payments"}' },
    ]);
    expect(
      rows(path, "SELECT id, disabled_reason, disabled_code FROM endpoints WHERE id = 'old-hook'"),
    ).toEqual([{ id: "old-hook", disabled_reason: "gone", disabled_code: null }]);
  });

  it("keeps the service's code of a gone endpoint across a restart and shows it in every view", async () => {
    const path = tempDbPath();
    const slack = await startChatReceiver("slack", [ANSWERS.slack.channelIsArchived]);
    const config: WebhookConfig = { id: "alerts", url: slack.url, format: "slack" };
    const first = open(path, []);
    first.dispatcher.addEndpoint(config);
    first.bus.emit({ type: "denied", data: sampleData("denied") });
    await until(() => first.disabled.length === 1);
    expect(first.disabled[0]).toMatchObject({
      reason: "gone",
      receiverCode: "channel_is_archived",
    });
    expect(first.dispatcher.endpoints()[0]).toMatchObject({
      state: "disabled",
      disabledReason: "gone",
      disabledReceiverCode: "channel_is_archived",
    });
    await first.close();
    expect(rows(path, "SELECT disabled_reason, disabled_code FROM endpoints")).toEqual([
      { disabled_reason: "gone", disabled_code: "channel_is_archived" },
    ]);

    const inspected = SqliteStore.inspect(path).admin();
    const [kept] = await inspected.endpoints();
    await inspected.close();
    expect(kept).toMatchObject({
      disabledReason: "gone",
      disabledReceiverCode: "channel_is_archived",
    });

    const second = open(path, []);
    await until(() => second.disabled.length === 1);
    expect(second.disabled[0]).toMatchObject({
      reason: "gone",
      receiverCode: "channel_is_archived",
      restored: true,
    });
    const [shown] = await dispatcherAdmin(second.dispatcher).endpoints();
    expect(shown).toMatchObject({
      disabledReason: "gone",
      disabledReceiverCode: "channel_is_archived",
    });
    // Enabling clears the code with the reason.
    second.dispatcher.enableEndpoint("alerts");
    expect(second.dispatcher.endpoints()[0]).not.toHaveProperty("disabledReceiverCode");
    await second.close();
    expect(rows(path, "SELECT disabled_reason, disabled_code FROM endpoints")).toEqual([
      { disabled_reason: null, disabled_code: null },
    ]);
  });

  it("drops the oldest kept delivery of a format that is not the Attesta payload, and reports its event", async () => {
    const path = tempDbPath();
    const receiver = await startTestReceiver((_req, res) => res.writeHead(503).end());
    const config: WebhookConfig = {
      id: "audit",
      url: receiver.url,
      format: plainText,
      overflow: "drop-oldest",
      retryBaseDelayMs: 60_000,
      circuitBreaker: false,
    };
    const store = () => new SqliteStore({ path, pollIntervalMs: 50, maxStoredPending: 2 });
    const first = openStoreDispatcher(store(), [config]);
    first.dispatcher.disableEndpoint("audit");
    first.bus.emit({ type: "denied", data: sampleData("denied", 0) });
    first.bus.emit({ type: "denied", data: sampleData("denied", 1) });
    await first.close();

    // Restarted: the kept deliveries come back from the file as bytes, without their events;
    // both fail once and wait a minute for their retry.
    const dropped: DroppedEvent[] = [];
    const second = openStoreDispatcher(store(), [config], {
      onDrop: (drop) => dropped.push(drop),
    });
    second.dispatcher.enableEndpoint("audit");
    await receiver.waitForRequests(2);
    await until(
      () => second.dispatcher.stats().inFlight === 2 && second.dispatcher.stats().attempts === 2,
    );
    second.bus.emit({ type: "approved", data: sampleData("approved", 2) });
    await until(() => dropped.length === 1);
    expect(dropped[0]?.event.type).toBe("denied");
  });
});
