/**
 * Schema 2 of a PostgresStore: a delivery's own content type and headers,
 * and the chat service's code of an endpoint disabled as gone. A version 1
 * schema is upgraded in place; real PostgreSQL, real receivers.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { WebhookConfig } from "../src/index";
import { PostgresStore } from "../src/postgres/index";
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from "../src/postgres/migrations";
import { DATABASE_URL, dropSchemas, freshSchema, query } from "./postgres/database";
import { ANSWERS, startChatReceiver } from "./support/chat-receiver";
import { sampleData } from "./support/events";
import { openStoreDispatcher } from "./support/store-dispatcher";
import { startTestReceiver } from "./support/test-receiver";
import { until } from "./support/until";

afterAll(dropSchemas);

const open = (schema: string, configs: WebhookConfig[]) =>
  openStoreDispatcher(
    new PostgresStore({ connection: DATABASE_URL, schema, pollIntervalMs: 50 }),
    configs,
  );

describe("PostgresStore schema 2", () => {
  it("upgrades a version 1 schema in place: its rows stay application/json, new ones keep their format's content type and headers", async () => {
    const schema = freshSchema();
    const q = `"${schema}"`;
    await query(`CREATE SCHEMA ${q}`);
    await query((PG_MIGRATIONS[0]?.sql ?? "").replaceAll("$schema", q));
    await query(`CREATE TABLE ${q}.meta (key text PRIMARY KEY, value text NOT NULL)`);
    await query(`INSERT INTO ${q}.meta VALUES ('version', '1')`);
    const oldId = randomUUID();
    await query(
      `INSERT INTO ${q}.deliveries (id, endpoint_id, event, body, status, created_at)
       VALUES ($1, 'audit', 'APPROVED', $2, 'pending', 1000)`,
      [oldId, Buffer.from('{"event":"APPROVED"}')],
    );
    const receiver = await startTestReceiver();
    const { bus, dispatcher, close } = open(schema, [
      {
        id: "audit",
        url: receiver.url,
        format: (payload) => ({
          body: `${payload.event} for the audit log`,
          contentType: "text/plain; charset=utf-8",
          headers: { "x-team": "payments" },
        }),
      },
    ]);
    bus.emit({ type: "denied", data: sampleData("denied") });
    await receiver.waitForRequests(2);
    await dispatcher.flush();
    const old = receiver.requests.find((r) => r.headers["x-attesta-delivery"] === oldId);
    const fresh = receiver.requests.find((r) => r.headers["x-attesta-delivery"] !== oldId);
    expect(old?.headers["content-type"]).toBe("application/json");
    expect(fresh?.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(fresh?.headers["x-team"]).toBe("payments");
    await close();
    const meta = await query(`SELECT value FROM ${q}.meta WHERE key = 'version'`);
    expect(meta.rows).toEqual([{ value: String(PG_SCHEMA_VERSION) }]);
    const rows = await query(
      `SELECT id, content_type, headers FROM ${q}.deliveries ORDER BY created_at`,
    );
    expect(rows.rows).toEqual([
      { id: oldId, content_type: null, headers: null },
      {
        id: fresh?.headers["x-attesta-delivery"],
        content_type: "text/plain; charset=utf-8",
        headers: { "x-team": "payments" },
      },
    ]);
  });

  it("keeps the service's code of a gone endpoint across a restart and shows it in every view", async () => {
    const schema = freshSchema();
    const discord = await startChatReceiver("discord", [ANSWERS.discord.unknownWebhook]);
    const first = open(schema, []);
    first.dispatcher.addEndpoint({ id: "alerts", url: discord.url, format: "discord" });
    first.bus.emit({ type: "denied", data: sampleData("denied") });
    await until(() => first.disabled.length === 1);
    expect(first.disabled[0]).toMatchObject({ reason: "gone", receiverCode: "10015" });
    await first.close();
    const stored = await query(`SELECT disabled_reason, disabled_code FROM "${schema}".endpoints`);
    expect(stored.rows).toEqual([{ disabled_reason: "gone", disabled_code: "10015" }]);

    const inspected = PostgresStore.inspect(DATABASE_URL, schema).admin();
    const [kept] = await inspected.endpoints();
    await inspected.close();
    expect(kept).toMatchObject({ disabledReason: "gone", disabledReceiverCode: "10015" });

    const second = open(schema, []);
    await until(() => second.disabled.length === 1);
    expect(second.disabled[0]).toMatchObject({
      reason: "gone",
      receiverCode: "10015",
      restored: true,
    });
    expect(second.dispatcher.endpoints()[0]).toMatchObject({ disabledReceiverCode: "10015" });
    second.dispatcher.enableEndpoint("alerts");
    await second.close();
    const cleared = await query(`SELECT disabled_reason, disabled_code FROM "${schema}".endpoints`);
    expect(cleared.rows).toEqual([{ disabled_reason: null, disabled_code: null }]);
  });
});
