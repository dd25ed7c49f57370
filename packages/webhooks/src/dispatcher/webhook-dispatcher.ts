/**
 * The webhook dispatcher: subscribes to a bus and delivers matching events to
 * HTTP endpoints in the background. A facade over four parts: the router
 * (who gets an event), the store (what is owed), the scheduler (when) and the
 * transport (how).
 *
 * @module
 */
import { EventBus, type PipelineEvents } from "@attesta/events";
import type { DispatchableEvent, EventSource } from "../dispatchable-event";
import type { EndpointAdmin } from "../endpoints/endpoint-admin";
import { DispatcherClosedError } from "../errors";
import type { CloseReport, DispatcherStats, FlushResult } from "../reporting/hook-payloads";
import type { DispatcherEvents } from "../reporting/operator-events";
import type { Reporter } from "../reporting/reporter";
import type { Router } from "../router/router";
import type { SchedulerRegistry } from "../scheduler/scheduler-registry";
import type { DeliveryStore } from "../store/delivery-store";
import type {
  CloseOptions,
  FlushOptions,
  RecoverOptions,
  WebhookConfig,
  WebhookDispatcherOptions,
} from "../types";
import { assertEventSource, validateDeadline } from "./argument-checks";
import { type AssembledDispatcher, assembleDispatcher } from "./assembly";
import {
  createDeliveryLookup,
  type DeliveryLookup,
  recoverDead,
  redeliverOne,
} from "./delivery-access";
import { EndpointMethods } from "./endpoint-methods";
import { flushWithin } from "./shutdown";
import { collectStats } from "./stats";
import { validateEvent } from "./validate-event";
import { Waiters } from "./waiters";

export type { Deliveries, DeliveryLookup } from "./delivery-access";

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

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
 * import { EventBus, type PipelineEvents } from "@attesta/events";
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
export class WebhookDispatcher<
  Events extends object = PipelineEvents,
> extends EndpointMethods<Events> {
  /**
   * What the store holds: `get(id)` and `list({ status, endpoint, event, since, limit })`.
   *
   * @example
   * ```ts
   * const dead = dispatcher.deliveries.list({ status: "dead", limit: 20 });
   * console.log(dead.map((d) => `${d.id} ${d.deadReason} ${d.attemptLog.at(-1)?.status}`));
   * ```
   */
  readonly deliveries: DeliveryLookup;
  /**
   * What the dispatcher reports about itself, typed by {@link DispatcherEvents}:
   * endpoints failing, recovered, disabled, enabled, breaker changes, dead
   * deliveries, drops and hook failures.
   *
   * @example
   * ```ts
   * dispatcher.events.on("endpoint.disabled", ({ data }) => alert(`${data.url}: ${data.reason}`));
   * ```
   */
  readonly events = new EventBus<DispatcherEvents>();
  protected readonly admin: EndpointAdmin;
  private readonly store: DeliveryStore;
  private readonly router: Router;
  private readonly scheduler: SchedulerRegistry;
  private readonly reporter: Reporter;
  private state = OPEN;
  private readonly waiters = new Waiters();
  private readonly parts: AssembledDispatcher;

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
    bus: EventBus<Events> | EventSource,
    configs: readonly WebhookConfig<Events>[],
    options?: WebhookDispatcherOptions,
  ) {
    super();
    assertEventSource(bus);
    // The event map only types the format functions; at run time every config is alike.
    const parts = assembleDispatcher(
      bus as EventSource,
      configs as unknown as readonly WebhookConfig[],
      options,
      {
        onEvent: this.onEvent,
        events: this.events,
        waiters: this.waiters,
        closing: () => this.state !== OPEN,
        stats: () => this.stats(),
      },
    );
    ({ store: this.store, router: this.router, scheduler: this.scheduler } = parts);
    ({ reporter: this.reporter, admin: this.admin } = parts);
    this.parts = parts;
    this.deliveries = createDeliveryLookup(this.store);
  }

  /**
   * Queues an event for every endpoint whose filter matches, exactly as if
   * the bus had emitted it, and returns how many endpoints took it. Use it for
   * events that do not come from the bus.
   *
   * @throws TypeError naming the field, before anything is queued, unless
   *   `type` is a non-empty string, `timestamp` finite epoch ms and `data` a
   *   plain object; DispatcherClosedError after `close()`.
   * @example
   * ```ts
   * dispatcher.dispatch({ type: "denied", timestamp: Date.now(), data: { agent_id: "a", action_name: "rm", risk_score: 0.9, risk_level: "critical" } });
   * ```
   */
  dispatch(event: DispatchableEvent): number {
    validateEvent(event);
    if (this.state !== OPEN) throw new DispatcherClosedError(event.type);
    return this.route(event);
  }

  /**
   * Resolves once every delivery owed before the call has settled (delivered,
   * dead-lettered or dropped), retries included, or once `deadlineMs` has
   * passed; then says what is still owed. Later events are not waited for,
   * nor are the kept deliveries of a disabled endpoint (only its running
   * attempts); disabling an endpoint while this waits stops the wait for it.
   * Behind an open circuit breaker, deliveries wait for its probe: without a
   * deadline (or `expireAfterMs` on the endpoint) that lasts as long as the
   * receiver is down. A bad `deadlineMs` rejects.
   *
   * @example
   * ```ts
   * bus.emit({ type: "approved", data });
   * const { timedOut, owed } = await dispatcher.flush({ deadlineMs: 5_000 });
   * if (timedOut) console.warn(`${owed} delivery(ies) still owed`);
   * ```
   */
  flush(options: FlushOptions = {}): Promise<FlushResult> {
    try {
      validateDeadline(options ?? {}, "flush");
    } catch (error) {
      return Promise.reject(error);
    }
    return flushWithin(this.parts, options?.deadlineMs);
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
   * the last `maxDead` dead letters and `maxDelivered` delivered ones), when it is still pending, or when its endpoint is
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
    return redeliverOne(this.store, this.scheduler, id);
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
    return recoverDead(this.store, this.scheduler, options);
  }

  /**
   * Stops taking events, lets queued and in-flight deliveries finish (until
   * `deadlineMs`, if given), then aborts what is left, closes the
   * connections and the store, and reports every delivery that ended
   * undelivered since the call. Disabled endpoints are not waited for: a
   * durable store keeps their deliveries pending for the next process
   * (`kept`); the memory store cannot, so they are in `undelivered` with
   * reason `"disabled"`. Later events are refused and counted
   * (`stats().refused`, a warning and `delivery.dropped`): `dispatch` throws
   * `DispatcherClosedError`. Calling it again returns the same report; a
   * shorter `deadlineMs` in the later call brings the deadline forward. A bad
   * `deadlineMs` rejects the returned promise.
   *
   * @example
   * ```ts
   * const { undelivered, kept, timedOut } = await dispatcher.close({ deadlineMs: 5_000 });
   * for (const letter of undelivered) await saveForReplay(letter.payload);
   * ```
   */
  close(options: CloseOptions = {}): Promise<CloseReport> {
    return this.parts.shutdown.close(options, (to) => {
      this.state = to === "closing" ? CLOSING : CLOSED;
    });
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
    return collectStats(this.parts);
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

  protected assertOpen(call: string): void {
    if (this.state !== OPEN) throw new DispatcherClosedError("", call);
  }
}
