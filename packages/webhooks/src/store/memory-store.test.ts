import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { DispatchableEvent } from "../dispatchable-event";
import { PayloadBytes } from "../router/payload-bytes";
import type { OverflowPolicy } from "../types";
import type { AttemptRecord, DeliveryRecord, StoreContext } from "./delivery-store";
import { MemoryStore } from "./memory-store";

const EP = "ep-a";

function event(n: number, type = "approved", timestamp = 1_000 + n): DispatchableEvent {
  return { type, timestamp, data: { metadata: { n } } };
}

function open(
  options: {
    maxPending?: number;
    overflow?: OverflowPolicy;
    maxDead?: number;
    maxDelivered?: number;
  } = {},
) {
  const clock = { now: 10_000 };
  const unserializable: { record: DeliveryRecord; event: DispatchableEvent }[] = [];
  const payloads = new PayloadBytes(false);
  const context: StoreContext = {
    serialize: (e) => payloads.serialize(e),
    render: (e) => ({ body: payloads.serialize(e) }),
    mintId: randomUUID,
    now: () => clock.now,
    limits: () => ({
      maxPending: options.maxPending ?? 100,
      overflow: options.overflow ?? "drop-oldest",
    }),
    onUnserializable: (record, _error, e) => unserializable.push({ record, event: e }),
    onCommitError: () => {},
  };
  const store = new MemoryStore({
    maxDead: options.maxDead ?? 1000,
    maxDelivered: options.maxDelivered ?? 1000,
  });
  store.open(context);
  return { store, clock, unserializable };
}

const attempt = (n: number, status = 200): AttemptRecord => ({
  attempt: n,
  startedAt: 10_000,
  durationMs: 3,
  status,
  ...(status >= 300 ? { errorKind: "http_status" as const, responseBody: "busy" } : {}),
});

const tagOf = (record: { body: Uint8Array } | undefined) =>
  (JSON.parse(Buffer.from(record?.body ?? []).toString()) as { data: { metadata: { n: number } } })
    .data.metadata.n;

describe("MemoryStore bound and overflow", () => {
  it("evicts the oldest waiting event with drop-oldest and hands it back", () => {
    const { store } = open({ maxPending: 2 });
    const [a, b, c] = [event(0), event(1), event(2)];
    expect(store.enqueue(EP, a)).toBeUndefined();
    expect(store.enqueue(EP, b)).toBeUndefined();
    expect(store.enqueue(EP, c)).toBe(a);
    expect(store.pendingCount(EP)).toBe(2);
    expect(store.lease(EP, 0, 10).map(tagOf)).toEqual([1, 2]);
  });

  it("refuses the arriving event with drop-newest", () => {
    const { store } = open({ maxPending: 2, overflow: "drop-newest" });
    const events = [event(0), event(1), event(2)];
    expect(events.map((e) => store.enqueue(EP, e))).toEqual([undefined, undefined, events[2]]);
    expect(store.lease(EP, 0, 10).map(tagOf)).toEqual([0, 1]);
  });

  it("does not count leased deliveries against the bound", () => {
    const { store } = open({ maxPending: 1 });
    store.enqueue(EP, event(0));
    expect(store.lease(EP, 0, 1)).toHaveLength(1);
    expect(store.enqueue(EP, event(1))).toBeUndefined();
    expect(store.pendingCount(EP)).toBe(2);
  });
});

describe("MemoryStore leases and attempts", () => {
  it("mints the id at the first lease and keeps it for the retry", () => {
    const { store, clock } = open();
    store.enqueue(EP, event(7));
    const [first] = store.lease(EP, clock.now, 5);
    expect(first?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).toMatchObject({ endpointId: EP, event: "APPROVED", attempts: 0 });
    const id = first?.id ?? "";
    store.recordAttempt(id, attempt(1, 503), { status: "retry", at: clock.now + 100 });
    expect(store.lease(EP, clock.now + 50, 5)).toEqual([]);
    expect(store.nextDueAt(EP)).toBe(clock.now + 100);
    expect(store.get(id)).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: 10_100 });
    const [again] = store.lease(EP, clock.now + 100, 5);
    expect(again).toMatchObject({ id, attempts: 1, attemptsInSeries: 1 });
    expect(tagOf(again)).toBe(7);
    store.recordAttempt(id, attempt(2), { status: "delivered" });
    const record = store.get(id);
    expect(record).toMatchObject({ status: "delivered", attempts: 2, settledAt: 10_000 });
    expect(record?.attemptLog.map((a) => [a.attempt, a.status, a.responseBody])).toEqual([
      [1, 503, "busy"],
      [2, 200, undefined],
    ]);
    expect(store.pendingCount(EP)).toBe(0);
  });

  it("hands due retries out before fresh events, fresh events oldest first", () => {
    const { store } = open();
    store.enqueue(EP, event(0));
    const [retried] = store.lease(EP, 0, 1);
    store.recordAttempt(retried?.id ?? "", attempt(1, 500), { status: "retry", at: 50 });
    store.enqueue(EP, event(1));
    store.enqueue(EP, event(2));
    expect(store.lease(EP, 60, 2).map(tagOf)).toEqual([0, 1]);
  });

  it("refuses to record an attempt for a delivery that is not leased", () => {
    const { store } = open();
    store.enqueue(EP, event(0));
    const [leased] = store.lease(EP, 0, 1);
    store.recordAttempt(leased?.id ?? "", attempt(1), { status: "delivered" });
    expect(() =>
      store.recordAttempt(leased?.id ?? "", attempt(2), { status: "delivered" }),
    ).toThrow(/is not leased from this MemoryStore\. Fix:/);
  });

  it("gives a released delivery back, due at once", () => {
    const { store, clock } = open();
    store.enqueue(EP, event(0));
    const [leased] = store.lease(EP, clock.now, 1);
    store.release(leased?.id ?? "");
    expect(store.nextDueAt(EP)).toBe(clock.now);
    expect(store.lease(EP, clock.now, 1).map((d) => d.id)).toEqual([leased?.id]);
  });

  it("dead-letters data that is not JSON at lease and never hands it out", () => {
    const { store, unserializable } = open();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bad = { type: "denied", timestamp: 5, data: cyclic };
    store.enqueue(EP, bad);
    store.enqueue(EP, event(1));
    expect(store.lease(EP, 0, 5).map(tagOf)).toEqual([1]);
    expect(unserializable).toHaveLength(1);
    expect(unserializable[0]?.event).toBe(bad);
    expect(unserializable[0]?.record).toMatchObject({
      status: "dead",
      deadReason: "unserializable",
      attempts: 0,
      event: "DENIED",
    });
    expect(store.redeliver(unserializable[0]?.record.id ?? "", 0)).toBe(false);
  });
});

describe("MemoryStore flush marks", () => {
  it("tells whether anything accepted before a mark is still pending", () => {
    const { store } = open();
    store.enqueue(EP, event(0));
    const mark = store.mark(EP);
    store.enqueue(EP, event(1));
    expect(store.pendingBefore(EP, mark)).toBe(true);
    const [first, second] = store.lease(EP, 0, 2);
    store.recordAttempt(second?.id ?? "", attempt(1), { status: "delivered" });
    expect(store.pendingBefore(EP, mark)).toBe(true);
    store.recordAttempt(first?.id ?? "", attempt(1), { status: "delivered" });
    expect(store.pendingBefore(EP, mark)).toBe(false);
    expect(store.pendingBefore("unknown", mark)).toBe(false);
  });

  it("counts a redelivery as accepted after every earlier mark and before every later one", () => {
    const { store } = open();
    store.enqueue(EP, event(0));
    const [leased] = store.lease(EP, 0, 1);
    store.recordAttempt(leased?.id ?? "", attempt(1), { status: "delivered" });
    const before = store.mark(EP);
    store.enqueue(EP, event(1));
    store.lease(EP, 0, 1);
    store.redeliver(leased?.id ?? "", 0);
    const after = store.mark(EP);
    expect(store.pendingBefore(EP, after)).toBe(true);
    store.lease(EP, 0, 1);
    store.recordAttempt(leased?.id ?? "", attempt(2), { status: "delivered" });
    // Only the fresh event 1 remains pending, accepted after `before`.
    expect(store.pendingBefore(EP, before)).toBe(false);
    expect(store.pendingBefore(EP, after)).toBe(true);
  });
});

describe("MemoryStore records", () => {
  it("keeps the last maxDelivered delivered deliveries and forgets older ones", () => {
    const { store } = open({ maxDelivered: 2 });
    for (let n = 0; n < 3; n++) store.enqueue(EP, event(n));
    const ids = store.lease(EP, 0, 3).map((d) => d.id);
    for (const id of ids) store.recordAttempt(id, attempt(1), { status: "delivered" });
    expect(ids.map((id) => store.get(id)?.status)).toEqual([undefined, "delivered", "delivered"]);
    expect(store.list().map(tagOf)).toEqual([1, 2]);
  });

  it("bounds dead letters and delivered deliveries apart, so deliveries never push out dead letters", () => {
    const { store } = open({ maxDead: 2, maxDelivered: 1 });
    for (let n = 0; n < 6; n++) store.enqueue(EP, event(n));
    const ids = store.lease(EP, 0, 6).map((d) => d.id);
    ids.slice(0, 3).forEach((id) => {
      store.recordAttempt(id, attempt(1, 500), { status: "dead", reason: "exhausted" });
    });
    for (const id of ids.slice(3)) store.recordAttempt(id, attempt(1), { status: "delivered" });
    expect(ids.map((id) => store.get(id)?.status)).toEqual([
      undefined,
      "dead",
      "dead",
      undefined,
      undefined,
      "delivered",
    ]);
  });

  it("keeps a dead letter redelivered and then delivered while the dead ring holds it, with maxDelivered 0", () => {
    const { store } = open({ maxDead: 1, maxDelivered: 0 });
    store.enqueue(EP, event(0));
    const id = store.lease(EP, 0, 1)[0]?.id ?? "";
    store.recordAttempt(id, attempt(1, 500), { status: "dead", reason: "exhausted" });
    expect(store.redeliver(id, 0)).toBe(true);
    store.lease(EP, 0, 1);
    store.recordAttempt(id, attempt(2), { status: "delivered" });
    expect(store.get(id)?.status).toBe("delivered");
    // A later dead letter takes its place in the ring of one: it is forgotten.
    store.enqueue(EP, event(1));
    const next = store.lease(EP, 0, 1)[0]?.id ?? "";
    store.recordAttempt(next, attempt(1, 500), { status: "dead", reason: "exhausted" });
    expect([store.get(id)?.status, store.get(next)?.status]).toEqual([undefined, "dead"]);
  });

  it("redelivers a dead delivery under the same id with a fresh series", () => {
    const { store } = open();
    store.enqueue(EP, event(0));
    const [leased] = store.lease(EP, 0, 1);
    const id = leased?.id ?? "";
    store.recordAttempt(id, attempt(1, 500), { status: "dead", reason: "exhausted" });
    expect(store.get(id)).toMatchObject({ status: "dead", deadReason: "exhausted" });
    expect(store.redeliver(id, 20)).toBe(true);
    expect(store.redeliver(id, 20)).toBe(false);
    expect(store.redeliver("no-such-id", 20)).toBe(false);
    expect(store.get(id)).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: 20 });
    expect(store.get(id)).not.toHaveProperty("deadReason");
    const [again] = store.lease(EP, 20, 1);
    expect(again).toMatchObject({ id, attempts: 1, attemptsInSeries: 0 });
  });

  it("abandons what waits, leaves leased deliveries to their holder", () => {
    const { store } = open();
    for (let n = 0; n < 4; n++) store.enqueue(EP, event(n));
    const [inFlight, retrying] = store.lease(EP, 0, 2);
    store.recordAttempt(retrying?.id ?? "", attempt(1, 503), { status: "retry", at: 99_999 });
    const abandoned = store.abandon(EP, "closed");
    expect(abandoned.map(tagOf).sort()).toEqual([1, 2, 3]);
    expect(abandoned.find((d) => d.id === retrying?.id)?.attempts).toBe(1);
    expect(store.get(abandoned[1]?.id ?? "")).toMatchObject({
      status: "dead",
      deadReason: "closed",
    });
    expect(store.pendingCount(EP)).toBe(1);
    expect(store.get(inFlight?.id ?? "")?.status).toBe("pending");
  });

  it("lists with filters, oldest first, and gives waiting events an id that the lease keeps", () => {
    const { store } = open();
    store.enqueue(EP, event(0, "approved", 100));
    store.enqueue("ep-b", event(1, "denied", 200));
    store.enqueue(EP, event(2, "denied", 300));
    const [delivered] = store.lease(EP, 0, 1);
    store.recordAttempt(delivered?.id ?? "", attempt(1), { status: "delivered" });

    expect(store.list().map(tagOf)).toEqual([0, 1, 2]);
    expect(store.list({ status: "pending" }).map(tagOf)).toEqual([1, 2]);
    expect(store.list({ status: "delivered" }).map(tagOf)).toEqual([0]);
    expect(store.list({ endpoint: "ep-b" }).map(tagOf)).toEqual([1]);
    expect(store.list({ event: "DENIED", since: 250 }).map(tagOf)).toEqual([2]);
    expect(store.list({ since: new Date(150) }).map(tagOf)).toEqual([1, 2]);
    expect(store.list({ limit: 1 }).map(tagOf)).toEqual([0]);

    const listed = store.list({ endpoint: EP, status: "pending" })[0];
    expect(store.get(listed?.id ?? "")?.status).toBe("pending");
    expect(store.lease(EP, 0, 1)[0]?.id).toBe(listed?.id);
  });
});

describe("MemoryStore options", () => {
  it("validates maxDead and maxDelivered, refuses unknown options and a second dispatcher", () => {
    expect(() => new MemoryStore({ maxDead: -1 })).toThrow(/maxDead must be an integer ≥ 0/);
    expect(() => new MemoryStore({ maxDelivered: 1.5 })).toThrow(/maxDelivered must be an integer/);
    expect(() => new MemoryStore({ maxSettled: 10 } as never)).toThrow(
      /new MemoryStore\(options\)\.maxSettled is not a known option\. Fix: remove it or correct its name; the valid keys are maxDead, maxDelivered/,
    );
    const { store } = open();
    expect(() => store.open({} as StoreContext)).toThrow(/already used by a dispatcher\. Fix:/);
    expect(() => new MemoryStore().lease(EP, 0, 1)).toThrow(/used before open\(\)\. Fix:/);
    expect(store.durable).toBe(false);
  });
});
