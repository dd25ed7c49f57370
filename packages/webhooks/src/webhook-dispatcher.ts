/**
 * The webhook dispatcher: subscribes to a bus and delivers matching events to
 * HTTP endpoints in the background. A facade over four parts: the router
 * (who gets an event), the store (what is owed), the scheduler (when) and the
 * transport (how).
 *
 * @module
 */
import { DispatcherClosedError } from "./dispatcher-closed-error";
import { assertEventSource, sumStats, validateDeadline, waitUntil } from "./dispatcher-support";
import { createSchedulerHost, createStoreContext, type DispatcherSide } from "./dispatcher-wiring";
import { Reporter } from "./reporter";
import { type ResolvedOptions, resolveOptions } from "./resolve-options";
import { resolveListQuery, resolveRecoverQuery } from "./resolve-query";
import { PayloadBytes } from "./router/payload-bytes";
import { resolveConfigs } from "./router/resolve-configs";
import { Router } from "./router/router";
import { Scheduler } from "./scheduler/scheduler";
import type { DeliveryRecord, DeliveryStore } from "./store/delivery-store";
import type {
  CloseOptions,
  CloseReport,
  DeadLetter,
  DispatchableEvent,
  DispatcherStats,
  EventSource,
  ListDeliveriesQuery,
  RecoverOptions,
  WebhookConfig,
  WebhookDispatcherOptions,
} from "./types";
import { Waiters } from "./waiters";

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

/** Read access to what the store holds: `dispatcher.deliveries`. */
export interface Deliveries {
  /** The delivery with this id (`X-Attesta-Delivery`), while the store keeps it. */
  get(id: string): DeliveryRecord | undefined;
  /** Matching deliveries, oldest first, at most `limit` (default 100). */
  list(query?: ListDeliveriesQuery): DeliveryRecord[];
}

/**
 * Delivers bus events to webhook endpoints: one signed JSON POST per event and
 * matching endpoint, in the background.
 *
 * `bus.emit` only pays for an O(1) enqueue per matching endpoint into the
 * store; JSON, HMAC and HTTP happen later in per-endpoint loops. The default
 * `MemoryStore` keeps a bounded queue per endpoint (overflow policy
 * `"drop-oldest"` by default, counted and reported); each endpoint has a
 * concurrency limit with its own keep-alive connection pool, and retries with
 * exponential backoff and `Retry-After`. A slow or dead endpoint never delays
 * another. Every attempt is recorded in the store.
 *
 * @example
 * ```ts
 * import { EventBus } from "@attesta/events";
 * import { WebhookDispatcher } from "@attesta/webhooks";
 *
 * const bus = new EventBus();
 * const dispatcher = new WebhookDispatcher(bus, [
 *   { url: "https://hooks.example.com/attesta", events: ["approved", "denied"], secret: process.env.WEBHOOK_SECRET },
 * ]);
 *
 * bus.emit({ type: "approved", data: { agent_id: "agent-7", action_name: "deploy", risk_score: 0.2, risk_level: "low" } });
 *
 * const report = await dispatcher.close({ deadlineMs: 10_000 });
 * console.log(report.undelivered.length);
 * ```
 */
export class WebhookDispatcher {
  /**
   * What the store holds: `get(id)` and `list({ status, endpoint, event, since, limit })`.
   *
   * @example
   * ```ts
   * const dead = dispatcher.deliveries.list({ status: "dead", limit: 20 });
   * console.log(dead.map((d) => `${d.id} ${d.deadReason} ${d.attemptLog.at(-1)?.status}`));
   * ```
   */
  readonly deliveries: Deliveries;
  private readonly options: ResolvedOptions;
  private readonly store: DeliveryStore;
  private readonly router: Router;
  private readonly scheduler: Scheduler;
  private readonly reporter: Reporter;
  private readonly unsubscribe: () => void;
  private state = OPEN;
  private readonly waiters = new Waiters();
  private readonly undelivered: DeadLetter[] = [];
  private closing: Promise<CloseReport> | undefined;

  /**
   * Validates everything, opens the store (a durable store resumes what it
   * holds) and subscribes to `bus` with `onAny`.
   *
   * @param bus - an `EventBus` from `@attesta/events` (anything with `onAny`).
   * @param configs - one entry per endpoint; see `WebhookConfig` for the defaults.
   * @param options - store, logger and hooks; see `WebhookDispatcherOptions`.
   * @throws TypeError naming the field and the fix, for any invalid argument.
   */
  constructor(
    bus: EventSource,
    configs: readonly WebhookConfig[],
    options?: WebhookDispatcherOptions,
  ) {
    assertEventSource(bus);
    const resolved = resolveConfigs(configs);
    this.options = resolveOptions(options);
    this.store = this.options.store;
    this.router = new Router(resolved, this.store, (endpoint, event, reason) =>
      this.reporter.dropped(endpoint, event, reason),
    );
    this.reporter = new Reporter(this.options, this.router.endpoints);
    const side: DispatcherSide = {
      store: this.store,
      router: this.router,
      reporter: this.reporter,
      deadLettered: (letter) => this.deadLettered(letter),
      settled: () => this.waiters.check(),
      wake: () => this.scheduler.wake(),
    };
    const host = createSchedulerHost(side);
    this.scheduler = new Scheduler(this.router, host, this.options.maxResponseBytes);
    this.store.open(createStoreContext(side, new PayloadBytes(this.router.fansOut)));
    this.deliveries = {
      get: (id) => this.store.get(id),
      list: (query) => this.store.list(resolveListQuery(query)),
    };
    // A durable store may hold deliveries from before a restart.
    if (this.router.endpoints.some((endpoint) => this.store.pendingCount(endpoint.id) > 0)) {
      this.scheduler.wake();
    }
    this.unsubscribe = bus.onAny(this.onEvent);
  }

  /**
   * Queues an event for every endpoint whose filter matches, exactly as if
   * the bus had emitted it, and returns how many endpoints took it. Use it for
   * events that do not come from the bus.
   *
   * @throws DispatcherClosedError after `close()`.
   * @example
   * ```ts
   * dispatcher.dispatch({ type: "denied", timestamp: Date.now(), data: { agent_id: "a", action_name: "rm", risk_score: 0.9, risk_level: "critical" } });
   * ```
   */
  dispatch(event: DispatchableEvent): number {
    if (this.state !== OPEN) throw new DispatcherClosedError(event.type);
    return this.route(event);
  }

  /**
   * Resolves once every delivery owed before the call has settled (delivered,
   * dead-lettered or dropped), retries included. Later events are not waited for.
   *
   * @example
   * ```ts
   * bus.emit({ type: "approved", data });
   * await dispatcher.flush();
   * console.log(dispatcher.stats().delivered);
   * ```
   */
  flush(): Promise<void> {
    const { endpoints } = this.router;
    const marks = endpoints.map((endpoint) => this.store.mark(endpoint.id));
    return this.waiters.waitFor(() =>
      endpoints.every(
        (endpoint, index) => !this.store.pendingBefore(endpoint.id, marks[index] ?? 0),
      ),
    );
  }

  /**
   * Resolves once every event emitted so far is as durable as the store
   * makes it: at once for the memory store, after the commit for SQLite.
   *
   * @example
   * ```ts
   * bus.emit({ type: "denied", data });
   * await dispatcher.persisted(); // the decision survives a crash from here on
   * ```
   */
  persisted(): Promise<void> {
    return this.store.persisted();
  }

  /**
   * Sends a delivered or dead delivery again: a fresh series of attempts
   * (with the endpoint's full retry budget) under the same id, so receivers
   * that deduplicate on `X-Attesta-Delivery` see it once. Returns `false`
   * when the store does not hold the id (or no longer: the memory store keeps
   * the last `maxSettled`), when it is still pending, or when its endpoint is
   * no longer configured.
   *
   * @throws DispatcherClosedError after `close()`.
   * @example
   * ```ts
   * for (const dead of dispatcher.deliveries.list({ status: "dead" })) dispatcher.redeliver(dead.id);
   * ```
   */
  redeliver(id: string): boolean {
    if (this.state !== OPEN) throw new DispatcherClosedError("", `redeliver("${id}")`);
    const record = typeof id === "string" ? this.store.get(id) : undefined;
    if (record === undefined || this.scheduler.loop(record.endpointId) === undefined) return false;
    if (!this.store.redeliver(id, Date.now())) return false;
    this.scheduler.wake();
    return true;
  }

  /**
   * Redelivers every dead letter the store holds that matches (an endpoint
   * id, created since a time), each under its own id as `redeliver` does, and
   * returns how many were queued again.
   *
   * @throws DispatcherClosedError after `close()`.
   * @example
   * ```ts
   * const requeued = dispatcher.recover({ endpoint: "billing", since: outageStartedAt });
   * ```
   */
  recover(options?: RecoverOptions): number {
    if (this.state !== OPEN) throw new DispatcherClosedError("", "recover()");
    let count = 0;
    for (const record of this.store.list(resolveRecoverQuery(options))) {
      if (this.scheduler.loop(record.endpointId) === undefined) continue;
      if (this.store.redeliver(record.id, Date.now())) count++;
    }
    if (count > 0) this.scheduler.wake();
    return count;
  }

  /**
   * Unsubscribes from the bus, lets queued and in-flight deliveries finish
   * (until `deadlineMs`, if given), then aborts what is left, closes the
   * connections and the store, and reports every delivery that ended
   * undelivered since the call. Later events are refused: `dispatch` throws
   * `DispatcherClosedError`. Calling it again returns the same report.
   *
   * @example
   * ```ts
   * const { undelivered, timedOut } = await dispatcher.close({ deadlineMs: 5_000 });
   * for (const letter of undelivered) await saveForReplay(letter.payload);
   * ```
   */
  close(options: CloseOptions = {}): Promise<CloseReport> {
    validateDeadline(options.deadlineMs);
    if (this.closing !== undefined) return this.closing;
    this.state = CLOSING;
    this.unsubscribe();
    this.closing = this.shutdown(options.deadlineMs);
    return this.closing;
  }

  /**
   * Counters: totals over all endpoints plus one entry per endpoint.
   *
   * @example
   * ```ts
   * const { delivered, failed, dropped, queued } = dispatcher.stats();
   * ```
   */
  stats(): DispatcherStats {
    const endpoints = this.scheduler.loops.map(({ endpoint, inFlight }) =>
      endpoint.stats(this.store.pendingCount(endpoint.id) - inFlight, inFlight),
    );
    return sumStats(endpoints, this.reporter.refused);
  }

  // The bus handler: must stay O(1) per endpoint, allocation-free and must never throw.
  private readonly onEvent = (event: DispatchableEvent): void => {
    if (this.state !== OPEN) {
      this.reporter.refusedEvent();
      this.router.refuse(event);
      return;
    }
    this.route(event);
  };

  private route(event: DispatchableEvent): number {
    const taken = this.router.route(event);
    if (taken > 0) this.scheduler.wake();
    // An eviction settles an event that flush() may be waiting for.
    if (this.waiters.waiting) this.waiters.check();
    return taken;
  }

  private deadLettered(letter: DeadLetter): void {
    if (this.state !== OPEN) this.undelivered.push(letter);
    this.reporter.deadLettered(letter);
  }

  private async shutdown(deadlineMs: number | undefined): Promise<CloseReport> {
    const timedOut = await waitUntil(this.flush(), deadlineMs);
    if (timedOut) this.scheduler.abort();
    await this.waiters.waitFor(() => this.scheduler.idle);
    await this.scheduler.close();
    try {
      await this.store.close();
    } catch (error) {
      this.reporter.log("error", `closing the ${this.store.kind} store failed`, { error });
    }
    this.state = CLOSED;
    this.reporter.flushWarnings();
    return { undelivered: this.undelivered.slice(), timedOut, stats: this.stats() };
  }
}
