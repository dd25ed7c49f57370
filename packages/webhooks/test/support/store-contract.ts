/**
 * The contract every `DeliveryStore` passes. A store's test file calls
 * `describeStoreContract(name, harness)`; cases about surviving a restart run
 * only for stores that say `durable: true`.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStore,
  StoreContext,
} from "../../src/store/delivery-store";
import type { DispatchableEvent } from "../../src/types";

export interface StoreHarness {
  /** A new, empty, unopened store. */
  create(): DeliveryStore;
  /** A new unopened store over the data of `closed` (closed already); durable stores only. */
  reopen?(closed: DeliveryStore): DeliveryStore;
}

/** A StoreContext with a clock the test moves and a record of every callback. */
export interface TestContext extends StoreContext {
  clock: number;
  maxPending: number;
  overflow: "drop-oldest" | "drop-newest";
  readonly unserializable: { record: DeliveryRecord; error: unknown; event: DispatchableEvent }[];
  readonly commitErrors: { error: unknown; lost: number }[];
}

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** The endpoint whose format sets a content type and headers in the test context. */
export const TYPED = "typed";
export const TYPED_ENVELOPE = {
  contentType: "text/plain; charset=utf-8",
  headers: { "x-kind": "typed", "x-team": "payments" },
} as const;

export function testContext(): TestContext {
  const context: TestContext = {
    clock: T0,
    maxPending: 1000,
    overflow: "drop-oldest",
    unserializable: [],
    commitErrors: [],
    serialize: (event) => Buffer.from(body(event), "utf8"),
    render: (event, endpointId) => ({
      body: Buffer.from(body(event), "utf8"),
      ...(endpointId === TYPED ? TYPED_ENVELOPE : {}),
    }),
    mintId: () => randomUUID(),
    now: () => context.clock,
    limits: () => ({ maxPending: context.maxPending, overflow: context.overflow }),
    onUnserializable: (record, error, event) =>
      context.unserializable.push({ record, error, event }),
    onCommitError: (error, lost) => context.commitErrors.push({ error, lost }),
  };
  return context;
}

/** The body bytes the test context makes (the store treats them as opaque). */
export function body(event: DispatchableEvent): string {
  const { type, timestamp, data } = event;
  return JSON.stringify({ event: type.toUpperCase(), timestamp, data });
}

export function event(n: number, type = "approved"): DispatchableEvent {
  return { type, timestamp: T0 + n, data: { agent_id: "agent-7", metadata: { n } } };
}

export function attempt(n: number, fields: Partial<AttemptRecord> = {}): AttemptRecord {
  return { attempt: n, startedAt: T0 + 1000 * n, durationMs: 12, status: 200, ...fields };
}

const text = (body: Uint8Array) => Buffer.from(body).toString("utf8");
const nOf = (body: Uint8Array) =>
  (JSON.parse(text(body)) as { data: { metadata: { n: number } } }).data.metadata.n;

export function describeStoreContract(name: string, harness: StoreHarness): void {
  const opened: DeliveryStore[] = [];
  const open = (store = harness.create(), context = testContext()) => {
    store.open(context);
    opened.push(store);
    return { store, context };
  };
  const closeAll = async () => {
    for (const store of opened.splice(0)) await store.close();
  };

  describe(`DeliveryStore contract: ${name}`, () => {
    afterEach(closeAll);

    it("hands out an enqueued delivery with its id, exact body and zero attempts", async () => {
      const { store, context } = open();
      expect(store.enqueue("a", event(1))).toBeUndefined();
      expect(store.pendingCount("a")).toBe(1);
      expect(store.nextDueAt("a")).toBeLessThanOrEqual(context.clock);
      const [leased, ...rest] = store.lease("a", context.clock, 10);
      expect(rest).toEqual([]);
      expect(leased?.endpointId).toBe("a");
      expect(leased?.event).toBe("APPROVED");
      expect(leased?.attempts).toBe(0);
      expect(leased?.attemptsInSeries).toBe(0);
      // Routing time: the event's own timestamp.
      expect(leased?.createdAt).toBe(event(1).timestamp);
      expect(leased?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(text(leased?.body ?? new Uint8Array())).toBe(body(event(1)));
      expect(store.pendingCount("a")).toBe(1);
      expect(store.lease("a", context.clock, 10)).toEqual([]);
      expect(store.nextDueAt("a")).toBeUndefined();
    });

    it("keeps a format's content type and headers with the delivery, and none for the others", async () => {
      const { store, context } = open();
      store.enqueue(TYPED, event(1));
      store.enqueue("a", event(2));
      const [typed] = store.lease(TYPED, context.clock, 1);
      expect(typed).toMatchObject(TYPED_ENVELOPE);
      const [plain] = store.lease("a", context.clock, 1);
      expect(plain?.contentType).toBeUndefined();
      expect(plain?.headers).toBeUndefined();
      store.recordAttempt(typed?.id ?? "", attempt(1), { status: "delivered" });
      await store.persisted();
      expect(store.get(typed?.id ?? "")).toMatchObject({ status: "delivered", ...TYPED_ENVELOPE });
      expect(store.list({ endpoint: TYPED })[0]).toMatchObject(TYPED_ENVELOPE);
      expect(store.get(plain?.id ?? "")).not.toHaveProperty("contentType");
      expect(store.get(plain?.id ?? "")).not.toHaveProperty("headers");
    });

    it("leases oldest first, up to the limit, per endpoint", async () => {
      const { store, context } = open();
      for (let n = 0; n < 5; n++) store.enqueue("a", event(n));
      store.enqueue("b", event(99));
      const first = store.lease("a", context.clock, 3);
      expect(first.map((d) => nOf(d.body))).toEqual([0, 1, 2]);
      expect(store.lease("a", context.clock, 10).map((d) => nOf(d.body))).toEqual([3, 4]);
      expect(store.lease("b", context.clock, 10).map((d) => nOf(d.body))).toEqual([99]);
      expect(store.lease("c", context.clock, 10)).toEqual([]);
      expect(store.pendingCount("a")).toBe(5);
    });

    it("records a delivered attempt with every field, and settles the delivery", async () => {
      const { store, context } = open();
      store.enqueue("a", event(1));
      const [d] = store.lease("a", context.clock, 1);
      const id = d?.id ?? "";
      context.clock += 50;
      store.recordAttempt(id, attempt(1, { status: 204, responseBody: "ok" }), {
        status: "delivered",
      });
      expect(store.pendingCount("a")).toBe(0);
      const record = store.get(id);
      expect(record?.status).toBe("delivered");
      expect(record?.attempts).toBe(1);
      expect(record?.settledAt).toBe(context.clock);
      expect(record?.nextAttemptAt).toBeUndefined();
      expect(record?.attemptLog).toEqual([attempt(1, { status: 204, responseBody: "ok" })]);
      expect(store.get(randomUUID())).toBeUndefined();
    });

    it("schedules a retry: hidden until due, then leased again with the attempts so far", async () => {
      const { store, context } = open();
      store.enqueue("a", event(1));
      const [d] = store.lease("a", context.clock, 1);
      const at = context.clock + 5000;
      store.recordAttempt(
        d?.id ?? "",
        attempt(1, { status: 503, errorKind: "http_status", errorMessage: "HTTP 503" }),
        { status: "retry", at },
      );
      expect(store.pendingCount("a")).toBe(1);
      expect(store.nextDueAt("a")).toBe(at);
      expect(store.lease("a", at - 1, 10)).toEqual([]);
      expect(store.get(d?.id ?? "")).toMatchObject({
        status: "pending",
        attempts: 1,
        nextAttemptAt: at,
      });
      const [again] = store.lease("a", at, 10);
      expect(again?.id).toBe(d?.id);
      expect(again?.attempts).toBe(1);
      expect(again?.attemptsInSeries).toBe(1);
    });

    it("gives a released delivery back unchanged", async () => {
      const { store, context } = open();
      store.enqueue("a", event(1));
      const [d] = store.lease("a", context.clock, 1);
      store.release(d?.id ?? "");
      const [again] = store.lease("a", context.clock, 1);
      expect(again).toEqual(d);
    });

    it("marks a delivery dead, then redelivers it under the same id with the count continuing", async () => {
      const { store, context } = open();
      store.enqueue("a", event(1));
      const [d] = store.lease("a", context.clock, 1);
      const id = d?.id ?? "";
      store.recordAttempt(id, attempt(1, { status: 400, errorKind: "http_status" }), {
        status: "dead",
        reason: "rejected",
      });
      expect(store.get(id)).toMatchObject({ status: "dead", deadReason: "rejected" });
      expect(store.lease("a", context.clock, 1)).toEqual([]);
      context.clock += 1000;
      expect(store.redeliver(id, context.clock)).toBe(true);
      expect(store.redeliver(id, context.clock)).toBe(false);
      expect(store.redeliver(randomUUID(), context.clock)).toBe(false);
      expect(store.get(id)).toMatchObject({ status: "pending", nextAttemptAt: context.clock });
      const [again] = store.lease("a", context.clock, 1);
      expect(again?.id).toBe(id);
      expect(again?.attempts).toBe(1);
      // A fresh series: the retry budget starts again.
      expect(again?.attemptsInSeries).toBe(0);
      store.recordAttempt(id, attempt(2), { status: "delivered" });
      const record = store.get(id);
      expect(record?.status).toBe("delivered");
      expect(record?.attemptLog.map((a) => a.attempt)).toEqual([1, 2]);
    });

    it("abandons the waiting deliveries of one endpoint and leaves leased ones to their holder", () => {
      const { store, context } = open();
      for (let n = 0; n < 3; n++) store.enqueue("a", event(n));
      store.enqueue("b", event(9));
      const [held] = store.lease("a", context.clock, 1);
      const abandoned = store.abandon("a", "closed");
      expect(abandoned.map((d) => nOf(d.body)).sort()).toEqual([1, 2]);
      expect(store.pendingCount("a")).toBe(1);
      expect(store.pendingCount("b")).toBe(1);
      expect(store.lease("a", context.clock, 10)).toEqual([]);
      for (const d of abandoned)
        expect(store.get(d.id)).toMatchObject({ status: "dead", deadReason: "closed" });
      store.recordAttempt(held?.id ?? "", attempt(1), { status: "delivered" });
      expect(store.get(held?.id ?? "")?.status).toBe("delivered");
      expect(store.pendingCount("a")).toBe(0);
    });

    it("expires the waiting deliveries created before a time, retry waits included, and leaves leased and newer ones", () => {
      const { store, context } = open();
      for (let n = 0; n < 4; n++) store.enqueue("a", event(n));
      store.enqueue("a", event(50));
      store.enqueue("b", event(0));
      const [held, retried] = store.lease("a", context.clock, 2);
      store.recordAttempt(retried?.id ?? "", attempt(1, { status: 503 }), {
        status: "retry",
        at: context.clock + 60_000,
      });
      // Created at T0 + 0..3 and T0 + 50: a limit at T0 + 10 takes 1, 2, 3 (one of them waiting for its retry).
      const expired = store.expire("a", T0 + 10);
      expect(expired.map((d) => nOf(d.body)).sort()).toEqual([1, 2, 3]);
      for (const d of expired)
        expect(store.get(d.id)).toMatchObject({ status: "dead", deadReason: "expired" });
      expect(store.get(retried?.id ?? "")?.attemptLog).toHaveLength(1);
      expect(store.pendingCount("a")).toBe(2);
      expect(store.pendingCount("b")).toBe(1);
      expect(store.expire("a", T0 + 10)).toEqual([]);
      expect(store.lease("a", context.clock, 10).map((d) => nOf(d.body))).toEqual([50]);
      store.recordAttempt(held?.id ?? "", attempt(1), { status: "delivered" });
      expect(store.get(held?.id ?? "")?.status).toBe("delivered");
    });

    it("tells whether a delivery accepted before a mark is still owed", () => {
      const { store, context } = open();
      const empty = store.mark("a");
      expect(store.pendingBefore("a", empty)).toBe(false);
      store.enqueue("a", event(1));
      expect(store.pendingBefore("a", empty)).toBe(false);
      const mark = store.mark("a");
      expect(store.pendingBefore("a", mark)).toBe(true);
      expect(store.pendingBefore("b", mark)).toBe(false);
      const [d] = store.lease("a", context.clock, 1);
      expect(store.pendingBefore("a", mark)).toBe(true);
      store.enqueue("a", event(2));
      store.recordAttempt(d?.id ?? "", attempt(1), { status: "delivered" });
      // Only the delivery enqueued after the mark is owed now.
      expect(store.pendingBefore("a", mark)).toBe(false);
      expect(store.pendingCount("a")).toBe(1);
      const later = store.mark("a");
      expect(store.pendingBefore("a", later)).toBe(true);
      const [second] = store.lease("a", context.clock, 1);
      store.recordAttempt(second?.id ?? "", attempt(1), { status: "delivered" });
      expect(store.pendingBefore("a", store.mark("a"))).toBe(false);
      // A redelivery is owed again: a mark taken after it waits for it.
      expect(store.redeliver(d?.id ?? "", context.clock)).toBe(true);
      expect(store.pendingBefore("a", store.mark("a"))).toBe(true);
    });

    it("lists by status, endpoint, event, since and limit, oldest first", () => {
      const { store, context } = open();
      store.enqueue("a", event(0, "approved"));
      store.enqueue("a", event(10, "denied"));
      store.enqueue("b", event(20, "approved"));
      const [first] = store.lease("a", context.clock, 1);
      store.recordAttempt(first?.id ?? "", attempt(1), { status: "delivered" });
      const ns = (records: DeliveryRecord[]) => records.map((r) => nOf(r.body));
      expect(ns(store.list())).toEqual([0, 10, 20]);
      expect(ns(store.list({ status: "delivered" }))).toEqual([0]);
      expect(ns(store.list({ status: "pending" }))).toEqual([10, 20]);
      expect(ns(store.list({ endpoint: "b" }))).toEqual([20]);
      expect(ns(store.list({ event: "APPROVED" }))).toEqual([0, 20]);
      expect(ns(store.list({ event: "DENIED" }))).toEqual([10]);
      expect(ns(store.list({ since: event(10).timestamp }))).toEqual([10, 20]);
      expect(ns(store.list({ since: event(10).timestamp, endpoint: "a" }))).toEqual([10]);
      expect(ns(store.list({ limit: 2 }))).toEqual([0, 10]);
    });

    const memoryOnly =
      (run: () => Promise<void>) => async (ctx: { skip: (note?: string) => void }) => {
        if (harness.create().durable) ctx.skip("a durable store's bound is its window, not a drop");
        await run();
      };

    it("a durable store keeps every event past maxPending in the file and leases them oldest due first", async (ctx) => {
      const { store, context } = open();
      if (!store.durable) ctx.skip("a memory store drops past its bound");
      context.maxPending = 3;
      for (let n = 0; n < 10; n++) expect(store.enqueue("a", event(n))).toBeUndefined();
      await store.persisted();
      expect(store.pendingCount("a")).toBe(10);
      const [first, second] = store.lease("a", context.clock, 2);
      store.recordAttempt(first?.id ?? "", attempt(1), { status: "delivered" });
      store.recordAttempt(second?.id ?? "", attempt(1, { status: 500 }), {
        status: "retry",
        at: context.clock + 1000,
      });
      for (let n = 10; n < 12; n++) store.enqueue("a", event(n));
      const sent: number[] = [];
      for (let round = 0; round < 20 && sent.length < 11; round++) {
        for (const d of store.lease("a", context.clock, 2)) {
          sent.push(nOf(d.body));
          store.recordAttempt(d.id, attempt(1), { status: "delivered" });
        }
        if (store.nextDueAt("a") === undefined) break;
        context.clock = Math.max(context.clock, store.nextDueAt("a") ?? 0);
      }
      // Due now first (2..11 in order of acceptance), then the retry once it is due.
      expect(sent).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1].slice(0, sent.length));
      expect(sent).toHaveLength(11);
      expect(store.pendingCount("a")).toBe(0);
    });

    it(
      "drop-newest refuses the arriving event past the bound",
      memoryOnly(async () => {
        const { store, context } = open();
        context.maxPending = 2;
        context.overflow = "drop-newest";
        store.enqueue("a", event(0));
        store.enqueue("a", event(1));
        const refused = store.enqueue("a", event(2));
        expect(refused).toEqual(event(2));
        expect(store.pendingCount("a")).toBe(2);
        expect(store.lease("a", context.clock, 10).map((d) => nOf(d.body))).toEqual([0, 1]);
      }),
    );

    it(
      "drop-oldest evicts the oldest waiting event past the bound",
      memoryOnly(async () => {
        const { store, context } = open();
        context.maxPending = 2;
        store.enqueue("a", event(0));
        await store.persisted();
        store.enqueue("a", event(1));
        const evicted = store.enqueue("a", event(2));
        expect(evicted).toEqual(event(0));
        expect(store.pendingCount("a")).toBe(2);
        expect(store.lease("a", context.clock, 10).map((d) => nOf(d.body))).toEqual([1, 2]);
      }),
    );

    it("records data that is not JSON as dead (unserializable) and never leases it", async () => {
      const { store, context } = open();
      const bad = { type: "approved", timestamp: T0, data: { n: 1n } };
      store.enqueue("a", bad);
      store.enqueue("a", event(2));
      await store.persisted();
      expect(store.lease("a", context.clock, 10).map((d) => nOf(d.body))).toEqual([2]);
      expect(context.unserializable).toHaveLength(1);
      expect(context.unserializable[0]?.event).toBe(bad);
      const record = context.unserializable[0]?.record;
      expect(record).toMatchObject({ status: "dead", deadReason: "unserializable" });
      expect(store.get(record?.id ?? "")?.status).toBe("dead");
      expect(store.pendingCount("a")).toBe(1);
      expect(store.redeliver(record?.id ?? "", context.clock)).toBe(false);
    });

    it("resolves persisted() with nothing buffered and after a burst", async () => {
      const { store } = open();
      await store.persisted();
      for (let n = 0; n < 100; n++) store.enqueue("a", event(n));
      await store.persisted();
      expect(store.list({ limit: 1000 })).toHaveLength(100);
    });

    describe("durability", () => {
      const durable =
        (run: (reopen: (store: DeliveryStore) => DeliveryStore) => Promise<void>) =>
        async (ctx: { skip: (note?: string) => void }) => {
          const probe = harness.create();
          if (!probe.durable || harness.reopen === undefined) ctx.skip("store is not durable");
          const { reopen } = harness;
          if (reopen === undefined) return;
          await run(reopen);
        };

      it(
        "resumes every pending delivery with its id, attempts and next attempt time",
        durable(async (reopen) => {
          const { store, context } = open();
          for (let n = 0; n < 4; n++) store.enqueue("a", event(n));
          const [retried, leased] = store.lease("a", context.clock, 2);
          const at = context.clock + 60_000;
          store.recordAttempt(retried?.id ?? "", attempt(1, { status: 500 }), {
            status: "retry",
            at,
          });
          await store.persisted();
          const before = store.list({ status: "pending" });
          await store.close();
          opened.splice(opened.indexOf(store), 1);

          const next = open(reopen(store), testContext());
          expect(next.store.pendingCount("a")).toBe(4);
          expect(next.store.list({ status: "pending" })).toEqual(before);
          const due = next.store.lease("a", next.context.clock, 10);
          // The delivery leased when the first store closed is due again.
          expect(due.map((d) => d.id)).toContain(leased?.id);
          expect(due.map((d) => d.id)).not.toContain(retried?.id);
          const later = next.store.lease("a", at, 10);
          expect(later).toHaveLength(1);
          expect(later[0]).toMatchObject({ id: retried?.id, attempts: 1 });
        }),
      );

      it(
        "keeps a pending delivery's content type and headers across a restart",
        durable(async (reopen) => {
          const { store } = open();
          store.enqueue(TYPED, event(1));
          await store.persisted();
          await store.close();
          opened.splice(opened.indexOf(store), 1);
          const next = open(reopen(store));
          expect(next.store.pendingCount(TYPED)).toBe(1);
          const [typed] = next.store.lease(TYPED, next.context.clock, 1);
          expect(typed).toMatchObject(TYPED_ENVELOPE);
          expect(next.store.get(typed?.id ?? "")).toMatchObject(TYPED_ENVELOPE);
        }),
      );

      it(
        "keeps settled deliveries and their attempts across a restart",
        durable(async (reopen) => {
          const { store, context } = open();
          store.enqueue("a", event(1));
          const [d] = store.lease("a", context.clock, 1);
          store.recordAttempt(d?.id ?? "", attempt(1, { status: 500 }), {
            status: "dead",
            reason: "exhausted",
          });
          await store.persisted();
          const record = store.get(d?.id ?? "");
          await store.close();
          opened.splice(opened.indexOf(store), 1);
          const next = open(reopen(store));
          expect(next.store.get(d?.id ?? "")).toEqual(record);
          expect(next.store.pendingCount("a")).toBe(0);
          expect(next.store.redeliver(d?.id ?? "", next.context.clock)).toBe(true);
          expect(next.store.lease("a", next.context.clock, 1)[0]?.id).toBe(d?.id);
        }),
      );
    });
  });
}
