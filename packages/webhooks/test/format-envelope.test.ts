/**
 * A format function that returns `{ body, contentType, headers }`: the
 * content type and headers travel with the delivery through each store and
 * go out with every attempt, the signature stays over the exact body bytes,
 * and a header the transport owns dead-letters that delivery as
 * `format_failed`. Real receivers on 127.0.0.1, real SQLite files and a
 * real PostgreSQL.
 */
import { createHmac } from "node:crypto";
import { EventBus } from "@attesta/events";
import { afterAll, describe, expect, it } from "vitest";
import type { DeadLetter, DeliveryStore, FormatFunction, WebhookConfig } from "../src/index";
import { WebhookDispatcher } from "../src/index";
import { PostgresStore } from "../src/postgres/index";
import { SqliteStore } from "../src/sqlite/index";
import { DATABASE_URL, dropSchemas, freshSchema } from "./postgres/database";
import { tempDbPath } from "./sqlite/temp-file";
import { defer } from "./support/cleanup";
import { sampleData } from "./support/events";
import { startTestReceiver } from "./support/test-receiver";
import { until } from "./support/until";

afterAll(dropSchemas);

const SECRET = "whsec_envelope";

const STORES: Record<string, () => DeliveryStore | undefined> = {
  memory: () => undefined,
  sqlite: () => new SqliteStore({ path: tempDbPath(), pollIntervalMs: 50 }),
  postgres: () => new PostgresStore({ connection: DATABASE_URL, schema: freshSchema() }),
};

const plainText: FormatFunction = (payload) => ({
  body: `${payload.event} by ${String((payload.data as { agent_id?: unknown }).agent_id)}`,
  contentType: "text/plain; charset=utf-8",
  headers: { "X-Team": "payments", "x-route": "audit/7" },
});

function dispatcherWith(
  store: DeliveryStore | undefined,
  config: WebhookConfig,
): { dispatcher: WebhookDispatcher; bus: EventBus; letters: DeadLetter[] } {
  const bus = new EventBus();
  const letters: DeadLetter[] = [];
  const dispatcher = new WebhookDispatcher(bus, [config], {
    logger: null,
    onDeadLetter: (letter) => letters.push(letter),
    ...(store === undefined ? {} : { store }),
  });
  defer(() => dispatcher.close({ deadlineMs: 2000 }));
  return { dispatcher, bus, letters };
}

describe.each(Object.keys(STORES))("format output with the %s store", (kind) => {
  const store = () => (STORES[kind] as () => DeliveryStore | undefined)();

  it("sends the content type and headers with every attempt, signed over the exact body, and shows them", async () => {
    const receiver = await startTestReceiver((_req, res, index) => {
      res.writeHead(index === 0 ? 503 : 204).end();
    });
    const { dispatcher, bus } = dispatcherWith(store(), {
      url: receiver.url,
      id: "audit",
      secret: SECRET,
      format: plainText,
      retryBaseDelayMs: 20,
      retryMinDelayMs: 20,
    });
    bus.emit({ type: "denied", data: sampleData("denied") });
    await receiver.waitForRequests(2);
    await dispatcher.flush();
    for (const request of receiver.requests) {
      expect(request.headers["content-type"]).toBe("text/plain; charset=utf-8");
      expect(request.headers["x-team"]).toBe("payments");
      expect(request.headers["x-route"]).toBe("audit/7");
      expect(request.body.toString("utf8")).toMatch(/^DENIED by /);
      const mac = createHmac("sha256", SECRET).update(request.body).digest("hex");
      expect(request.headers["x-attesta-signature"]).toBe(`sha256=${mac}`);
    }
    const [record] = dispatcher.deliveries.list({});
    expect(record).toMatchObject({
      status: "delivered",
      attempts: 2,
      contentType: "text/plain; charset=utf-8",
      headers: { "x-team": "payments", "x-route": "audit/7" },
    });
  });

  it.each(["X-Attesta-Signature", "webhook-signature", "content-length", "host", "content-type"])(
    "dead-letters a delivery whose format sets %s as format_failed, and sends the others",
    async (name) => {
      const receiver = await startTestReceiver();
      const { dispatcher, bus, letters } = dispatcherWith(store(), {
        url: receiver.url,
        id: "audit",
        secret: SECRET,
        format: (payload) => ({
          body: payload.event,
          headers: payload.event === "DENIED" ? { [name]: "forged" } : { "x-ok": "1" },
        }),
      });
      bus.emit({ type: "denied", data: sampleData("denied") });
      bus.emit({ type: "approved", data: sampleData("approved") });
      await receiver.waitForRequests(1);
      await until(() => letters.length === 1);
      expect(letters[0]?.reason).toBe("format_failed");
      expect(String(letters[0]?.error?.message)).toContain(name.toLowerCase());
      await dispatcher.flush();
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]?.body.toString("utf8")).toBe("APPROVED");
      expect(receiver.requests[0]?.headers["x-ok"]).toBe("1");
      expect(receiver.requests[0]?.headers["content-type"]).toBe("application/json");
      expect(dispatcher.deliveries.list({ status: "dead" })[0]?.deadReason).toBe("format_failed");
    },
  );
});

describe("format output shapes", () => {
  it("keeps an object with only a body key a JSON body, and refuses a content type that is not a media type", async () => {
    const receiver = await startTestReceiver();
    const { dispatcher, bus, letters } = dispatcherWith(undefined, {
      url: receiver.url,
      format: (payload) =>
        payload.event === "DENIED" ? { body: "hi" } : { body: "x", contentType: "plain text" },
    });
    bus.emit({ type: "denied", data: sampleData("denied") });
    bus.emit({ type: "approved", data: sampleData("approved") });
    await receiver.waitForRequests(1);
    await until(() => letters.length === 1);
    expect(receiver.requests[0]?.body.toString("utf8")).toBe('{"body":"hi"}');
    expect(receiver.requests[0]?.headers["content-type"]).toBe("application/json");
    expect(dispatcher.deliveries.list({})[0]).not.toHaveProperty("contentType");
    expect(letters[0]?.reason).toBe("format_failed");
    expect(String(letters[0]?.error?.message)).toMatch(
      /contentType "plain text".*not a media type/,
    );
  });
});
