import { EventBus } from "@attesta/events";
import { defer, startTestReceiver, until } from "@attesta/test-support";
import { verifySignature } from "@attesta/verify";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "../src/dispatcher/webhook-dispatcher";
import { toWebhookPayload } from "../src/router/to-webhook-payload";
import { SqliteStore, type SqliteStoreOptions } from "../src/sqlite/index";
import type { DeliveryStore, StoreWarning } from "../src/store/delivery-store";
import { tempDbPath } from "./sqlite/temp-file";
import { sampleData } from "./support/events";
import { attempt, event, type TestContext, testContext } from "./support/store-contract";

const stores: DeliveryStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function open(path: string, options: Partial<SqliteStoreOptions> = {}) {
  const warnings: StoreWarning[] = [];
  const context: TestContext & { onWarning: (w: StoreWarning) => void } = Object.assign(
    testContext(),
    { onWarning: (warning: StoreWarning) => warnings.push(warning) },
  );
  const store = new SqliteStore({ path, ...options });
  store.open(context);
  stores.push(store);
  return { store, context, warnings };
}

const nOf = (body: Uint8Array) =>
  (JSON.parse(Buffer.from(body).toString("utf8")) as { data: { metadata: { n: number } } }).data
    .metadata.n;

/** Leases and delivers everything due, `limit` at a time; returns the `n` of each in order. */
function drain(store: DeliveryStore, context: TestContext, limit: number): number[] {
  const sent: number[] = [];
  for (let leased = store.lease("a", context.clock, limit); leased.length > 0; ) {
    for (const d of leased) {
      sent.push(nOf(d.body));
      store.recordAttempt(d.id, attempt(d.attempts + 1), { status: "delivered" });
    }
    leased = store.lease("a", context.clock, limit);
  }
  return sent;
}

describe("SqliteStore window over the file", () => {
  it("resumes a file that owes more than the window, counting without loading, and sends it all in order", async () => {
    const path = tempDbPath();
    const first = open(path);
    first.context.maxPending = 50;
    for (let n = 0; n < 2000; n++) first.store.enqueue("a", event(n));
    await first.store.persisted();
    await first.store.close();
    stores.splice(0);

    const { store, context } = open(path);
    context.maxPending = 50;
    expect(store.pendingCount("a")).toBe(2000);
    expect(store.nextDueAt("a")).toBeLessThanOrEqual(context.clock);
    const sent = drain(store, context, 7);
    expect(sent).toEqual(Array.from({ length: 2000 }, (_, n) => n));
    expect(store.pendingCount("a")).toBe(0);
    expect(store.nextDueAt("a")).toBeUndefined();
  });

  it("sends a retried delivery and the backlog paged in behind it, each once", async () => {
    const { store, context } = open(tempDbPath());
    context.maxPending = 2;
    for (let n = 0; n < 6; n++) store.enqueue("a", event(n));
    await store.persisted();
    const [head] = store.lease("a", context.clock, 1);
    const at = context.clock + 500;
    store.recordAttempt(head?.id ?? "", attempt(1, { status: 500 }), { status: "retry", at });
    context.clock = at;
    const sent = drain(store, context, 1);
    expect(sent).toHaveLength(6);
    expect(new Set(sent)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(store.pendingCount("a")).toBe(0);
  });

  it("drops past maxStoredPending by the overflow policy and warns once", async () => {
    const newest = open(tempDbPath(), { maxStoredPending: 3 });
    newest.context.maxPending = 1;
    newest.context.overflow = "drop-newest";
    for (let n = 0; n < 3; n++) expect(newest.store.enqueue("a", event(n))).toBeUndefined();
    expect(newest.store.enqueue("a", event(3))).toEqual(event(3));
    expect(newest.store.enqueue("a", event(4))).toEqual(event(4));
    expect(newest.warnings).toEqual([{ kind: "stored_bound", endpointId: "a", limit: 3 }]);
    await newest.store.persisted();
    expect(newest.store.pendingCount("a")).toBe(3);

    const oldest = open(tempDbPath(), { maxStoredPending: 3 });
    oldest.context.maxPending = 1;
    for (let n = 0; n < 3; n++) oldest.store.enqueue("a", event(n));
    await oldest.store.persisted();
    expect(oldest.store.enqueue("a", event(3))).toEqual(event(0));
    await oldest.store.persisted();
    expect(oldest.store.pendingCount("a")).toBe(3);
    expect(drain(oldest.store, oldest.context, 10)).toEqual([1, 2, 3]);
    expect(oldest.warnings).toHaveLength(1);
  });

  it("warns once when the file passes warnFileBytes", async () => {
    const path = tempDbPath();
    const quiet = open(path);
    expect(quiet.warnings).toEqual([]);
    await quiet.store.close();
    stores.splice(0);
    const { warnings } = open(path, { warnFileBytes: 1024, pollIntervalMs: 10 });
    await until(() => warnings.length > 0);
    // Ten polls (pollIntervalMs: 10) after the first warning: a warning given
    // again on each poll would be here by then.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ kind: "file_size", limit: 1024 });
    expect((warnings[0] as { bytes: number }).bytes).toBeGreaterThan(1024);
  });

  it("sends the exact signed bytes of events that went to the file only, past a full window", async () => {
    // 60 events in one synchronous burst make one commit: 5 fill the window,
    // the other 55 go to the file only, their bodies written from JSON text.
    const receiver = await startTestReceiver();
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [{ id: "a", url: receiver.url, secret: "whsec_text", maxQueueSize: 5, concurrency: 1 }],
      { store: new SqliteStore({ path: tempDbPath() }), logger: null },
    );
    defer(() => dispatcher.close({ deadlineMs: 0 }));
    const events = Array.from({ length: 60 }, (_, n) => ({
      type: "approved" as const,
      timestamp: 1_700_000_000_000 + n,
      data: { ...sampleData("approved", n), reason: `zürich ✓ 审批 ${n}` },
    }));
    for (const e of events) dispatcher.dispatch(e);
    const { timedOut } = await dispatcher.flush({ deadlineMs: 20_000 });
    expect(timedOut).toBe(false);
    const bodies = new Map<number, Buffer>();
    for (const request of receiver.requests) {
      expect(
        verifySignature(
          request.body,
          request.headers["x-attesta-signature"] as string,
          "whsec_text",
        ),
      ).toBe(true);
      bodies.set(nOf(request.body), request.body);
    }
    expect(bodies.size).toBe(60);
    for (const [n, e] of events.entries())
      expect(bodies.get(n)?.toString("utf8")).toBe(JSON.stringify(toWebhookPayload(e)));
  });
});
