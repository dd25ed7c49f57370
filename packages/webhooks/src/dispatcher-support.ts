/**
 * Small pieces of the dispatcher facade: argument checks, totals, deadlines.
 *
 * @module
 */
import type { Reporter } from "./reporter";
import type { DispatcherStats, EndpointStats } from "./reports";
import type { Scheduler } from "./scheduler/scheduler";
import type { DeliveryStore } from "./store/delivery-store";
import type { SharedAgent } from "./transport/shared-agent";
import type { EventSource } from "./types";

/** Throws unless `bus` has `onAny`. */
export function assertEventSource(bus: unknown): asserts bus is EventSource {
  if (
    typeof bus !== "object" ||
    bus === null ||
    typeof (bus as Partial<EventSource>).onAny !== "function"
  ) {
    throw new TypeError(
      `@attesta/webhooks: bus must be an EventBus (an object with onAny); got ${bus === null ? "null" : typeof bus}. Fix: pass new EventBus() from @attesta/events.`,
    );
  }
}

/** Throws unless `deadlineMs` is absent or a finite number ≥ 0. */
export function validateDeadline(deadlineMs: unknown, call = "close"): void {
  if (
    deadlineMs !== undefined &&
    (typeof deadlineMs !== "number" || !Number.isFinite(deadlineMs) || deadlineMs < 0)
  ) {
    throw new TypeError(
      `@attesta/webhooks: ${call}({ deadlineMs }) must be a number ≥ 0; got ${String(deadlineMs)}. Fix: pass e.g. 10000, or leave it out to wait for every delivery.`,
    );
  }
}

/** Totals over every endpoint's counters. Plain loops: benchmarks and dashboards poll it often. */
export function sumStats(endpoints: readonly EndpointStats[], refused: number): DispatcherStats {
  const totals = {
    enqueued: 0,
    delivered: 0,
    failed: 0,
    dropped: 0,
    attempts: 0,
    retries: 0,
    queued: 0,
    inFlight: 0,
    refused,
    endpoints,
  };
  for (const entry of endpoints) {
    totals.enqueued += entry.enqueued;
    totals.delivered += entry.delivered;
    totals.failed += entry.failed;
    totals.dropped += entry.dropped;
    totals.attempts += entry.attempts;
    totals.retries += entry.retries;
    totals.queued += entry.queued;
    totals.inFlight += entry.inFlight;
  }
  return totals;
}

/** `dispatcher.stats()`: every endpoint's counters, their totals and the sockets. */
export function collectStats(parts: {
  readonly scheduler: Scheduler;
  readonly store: DeliveryStore;
  readonly agent: SharedAgent;
  readonly reporter: Reporter;
}): DispatcherStats {
  const { scheduler, store, agent, reporter } = parts;
  const endpoints = scheduler.loops.map(({ endpoint, inFlight }) =>
    endpoint.stats(store.pendingCount(endpoint.id) - inFlight, inFlight),
  );
  const { openSockets, peakSockets, maxSockets } = agent;
  return {
    ...sumStats(endpoints, reporter.refused),
    sockets: { open: openSockets, peak: peakSockets, max: maxSockets },
    store: {
      kind: store.kind,
      failing: store.failing ?? false,
      uncommitted: store.uncommitted ?? 0,
    },
  };
}

/**
 * Waits for `done`, or until `deadlineMs` passes; resolves `true` when the
 * deadline came first. Without a deadline, waits for `done`.
 */
export async function waitUntil(
  done: Promise<void>,
  deadlineMs: number | undefined,
): Promise<boolean> {
  if (deadlineMs === undefined) {
    await done;
    return false;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<true>((resolve) => {
    timer = setTimeout(() => resolve(true), deadlineMs);
  });
  const timedOut = await Promise.race([done.then(() => false), deadline]);
  clearTimeout(timer);
  return timedOut;
}

/**
 * The deadline of a running `close()`: a later `close({ deadlineMs })` can
 * bring it forward, never push it back.
 *
 * @example
 * ```ts
 * const deadline = new CloseDeadline();
 * deadline.shorten(5000);
 * const timedOut = await deadline.race(flushed);
 * ```
 */
export class CloseDeadline {
  private at = Number.POSITIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private hit: (() => void) | undefined;
  private passed = false;

  /** Sets the deadline to `deadlineMs` from now, if that is sooner; `undefined` changes nothing. */
  shorten(deadlineMs: number | undefined): void {
    if (deadlineMs === undefined) return;
    const at = performance.now() + deadlineMs;
    if (at >= this.at) return;
    this.at = at;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.passed = true;
      this.hit?.();
    }, deadlineMs);
  }

  /** Waits for `done` or the deadline; resolves `true` when the deadline came first. */
  async race(done: Promise<void>): Promise<boolean> {
    if (this.passed) return true;
    const deadline = new Promise<true>((resolve) => {
      this.hit = () => resolve(true);
    });
    const timedOut = await Promise.race([done.then(() => false), deadline]);
    clearTimeout(this.timer);
    return timedOut;
  }
}

/** Throws unless `onAny` gave back an unsubscribe function. */
export function assertUnsubscribe(unsubscribe: unknown): asserts unsubscribe is () => void {
  if (typeof unsubscribe !== "function") {
    throw new TypeError(
      `@attesta/webhooks: bus.onAny(handler) must return an unsubscribe function; got ${unsubscribe === null ? "null" : typeof unsubscribe}. Fix: pass an EventBus from @attesta/events, or make onAny return () => void.`,
    );
  }
}
