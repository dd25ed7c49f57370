/**
 * The webhook dispatcher: subscribes to a bus and delivers matching events to
 * HTTP endpoints in the background.
 *
 * @module
 */
import { EVENT_TYPES } from "@attesta/events";
import { DispatcherClosedError } from "./dispatcher-closed-error";
import { Endpoint, type EndpointHost } from "./endpoint";
import { resolveConfigs } from "./resolve-configs";
import { type ResolvedOptions, resolveOptions } from "./resolve-options";
import { toWebhookPayload } from "./to-webhook-payload";
import type {
  CloseOptions,
  CloseReport,
  DeadLetter,
  DeliveryAttempt,
  DispatchableEvent,
  DispatcherStats,
  EventSource,
  WebhookConfig,
  WebhookDispatcherOptions,
} from "./types";

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

// Drop and refusal warnings are batched into one line per endpoint per second.
const WARN_INTERVAL_MS = 1000;

interface Waiter {
  readonly done: () => boolean;
  readonly resolve: () => void;
}

/**
 * Delivers bus events to webhook endpoints: one signed JSON POST per event and
 * matching endpoint, in the background.
 *
 * `bus.emit` only pays for an O(1) enqueue per matching endpoint; JSON,
 * HMAC and HTTP happen later in per-endpoint workers. Each endpoint has a
 * bounded queue (overflow policy `"drop-oldest"` by default, counted and
 * reported), a concurrency limit with its own keep-alive connection pool,
 * and retries with exponential backoff and `Retry-After`. A slow or dead
 * endpoint never delays another.
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
  private readonly endpoints: readonly Endpoint[];
  private readonly routes = new Map<string, Endpoint[]>();
  private readonly options: ResolvedOptions;
  private readonly unsubscribe: () => void;
  private readonly host: EndpointHost;
  // Only needed when one event can go to several endpoints: serialise once, share the bytes.
  private readonly bodies: WeakMap<DispatchableEvent, Buffer> | undefined;
  private state = OPEN;
  private drainScheduled = false;
  private waiters: Waiter[] = [];
  private refused = 0;
  private unreportedRefusals = 0;
  private warnTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly undelivered: DeadLetter[] = [];
  private closing: Promise<CloseReport> | undefined;

  /**
   * Validates everything and subscribes to `bus` with `onAny`.
   *
   * @param bus - an `EventBus` from `@attesta/events` (anything with `onAny`).
   * @param configs - one entry per endpoint; see `WebhookConfig` for the defaults.
   * @param options - logger and hooks; see `WebhookDispatcherOptions`.
   * @throws TypeError naming the field and the fix, for any invalid argument.
   */
  constructor(
    bus: EventSource,
    configs: readonly WebhookConfig[],
    options?: WebhookDispatcherOptions,
  ) {
    if (
      typeof bus !== "object" ||
      bus === null ||
      typeof (bus as Partial<EventSource>).onAny !== "function"
    ) {
      throw new TypeError(
        `@attesta/webhooks: bus must be an EventBus (an object with onAny); got ${bus === null ? "null" : typeof bus}. Fix: pass new EventBus() from @attesta/events.`,
      );
    }
    const resolved = resolveConfigs(configs);
    this.options = resolveOptions(options);
    this.host = {
      maxResponseBytes: this.options.maxResponseBytes,
      observesAttempts: this.options.onAttempt !== undefined,
      bodyFor: (event) => this.bodyFor(event),
      payloadFor: toWebhookPayload,
      attempted: (attempt) => this.attempted(attempt),
      deadLettered: (letter) => this.deadLettered(letter),
      settled: () => this.settled(),
      logError: (message, fields) => this.log("error", message, fields),
    };
    this.endpoints = resolved.map((config, index) => new Endpoint(index, config, this.host));
    for (const type of EVENT_TYPES) {
      const targets = this.endpoints.filter((endpoint) => endpoint.config.events.includes(type));
      if (targets.length > 0) this.routes.set(type, targets);
    }
    this.bodies = [...this.routes.values()].some((targets) => targets.length > 1)
      ? new WeakMap()
      : undefined;
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
   * Resolves once every event queued before the call has settled (delivered,
   * dead-lettered or dropped). Events emitted meanwhile are not waited for.
   *
   * @example
   * ```ts
   * bus.emit({ type: "approved", data });
   * await dispatcher.flush();
   * console.log(dispatcher.stats().delivered);
   * ```
   */
  flush(): Promise<void> {
    const targets = this.endpoints.map((endpoint) => endpoint.pushed);
    return this.waitFor(() =>
      this.endpoints.every((endpoint, index) => endpoint.settledThrough(targets[index] ?? 0)),
    );
  }

  /**
   * Unsubscribes from the bus, lets queued and in-flight deliveries finish
   * (until `deadlineMs`, if given), then aborts what is left, closes the
   * connections and reports every delivery that ended undelivered since the
   * call. Later events are refused: `dispatch` throws `DispatcherClosedError`.
   * Calling it again returns the same report.
   *
   * @example
   * ```ts
   * const { undelivered, timedOut } = await dispatcher.close({ deadlineMs: 5_000 });
   * for (const letter of undelivered) await saveForReplay(letter.payload);
   * ```
   */
  close(options: CloseOptions = {}): Promise<CloseReport> {
    const deadlineMs = options.deadlineMs;
    if (
      deadlineMs !== undefined &&
      (typeof deadlineMs !== "number" || !Number.isFinite(deadlineMs) || deadlineMs < 0)
    ) {
      throw new TypeError(
        `@attesta/webhooks: close({ deadlineMs }) must be a number ≥ 0; got ${String(deadlineMs)}. Fix: pass e.g. 10000, or leave it out to wait for every delivery.`,
      );
    }
    if (this.closing !== undefined) return this.closing;
    this.state = CLOSING;
    this.unsubscribe();
    this.closing = this.shutdown(deadlineMs);
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
    const endpoints = this.endpoints.map((endpoint) => endpoint.stats());
    const sum = (
      key:
        | "enqueued"
        | "delivered"
        | "failed"
        | "dropped"
        | "attempts"
        | "retries"
        | "queued"
        | "inFlight",
    ) => endpoints.reduce((total, entry) => total + entry[key], 0);
    return {
      enqueued: sum("enqueued"),
      delivered: sum("delivered"),
      failed: sum("failed"),
      dropped: sum("dropped"),
      attempts: sum("attempts"),
      retries: sum("retries"),
      queued: sum("queued"),
      inFlight: sum("inFlight"),
      refused: this.refused,
      endpoints,
    };
  }

  // The bus handler: must stay O(1) per endpoint, allocation-free and must never throw.
  private readonly onEvent = (event: DispatchableEvent): void => {
    if (this.state !== OPEN) {
      this.refuse(event);
      return;
    }
    this.route(event);
  };

  private route(event: DispatchableEvent): number {
    const targets = this.routes.get(event.type);
    if (targets === undefined) return 0;
    let taken = 0;
    let wake = false;
    for (let i = 0; i < targets.length; i++) {
      const endpoint = targets[i] as Endpoint;
      const dropped = endpoint.enqueue(event);
      if (dropped !== event) taken++;
      if (dropped !== undefined) this.dropped(endpoint, dropped, "queue_full");
      if (endpoint.workers < endpoint.config.concurrency) wake = true;
    }
    if (wake && !this.drainScheduled) {
      this.drainScheduled = true;
      // One drain per burst: the emitter's synchronous work finishes first.
      setImmediate(this.drain);
    }
    // An eviction settles an event that flush() may be waiting for.
    if (this.waiters.length > 0) this.settled();
    return taken;
  }

  private readonly drain = (): void => {
    this.drainScheduled = false;
    for (const endpoint of this.endpoints) endpoint.startWorkers();
  };

  private dropped(
    endpoint: Endpoint,
    event: DispatchableEvent,
    reason: "queue_full" | "closed",
  ): void {
    this.scheduleWarnings();
    const onDrop = this.options.onDrop;
    if (onDrop === undefined) return;
    try {
      onDrop({
        url: endpoint.config.url,
        endpointIndex: endpoint.index,
        event,
        reason,
        dropped: endpoint.dropped,
      });
    } catch (error) {
      this.log("error", "onDrop hook threw", { error });
    }
  }

  private refuse(event: DispatchableEvent): void {
    this.refused++;
    this.unreportedRefusals++;
    for (const endpoint of this.routes.get(event.type) ?? []) {
      endpoint.dropped++;
      this.dropped(endpoint, event, "closed");
    }
    this.scheduleWarnings();
  }

  private scheduleWarnings(): void {
    if (this.warnTimer !== undefined) return;
    this.warnTimer = setTimeout(this.reportWarnings, WARN_INTERVAL_MS);
    // A pending warning must not keep the process alive.
    this.warnTimer.unref?.();
  }

  private readonly reportWarnings = (): void => {
    this.warnTimer = undefined;
    for (const endpoint of this.endpoints) {
      if (endpoint.unreportedDrops === 0) continue;
      this.log(
        "warn",
        `dropped ${endpoint.unreportedDrops} event(s): queue full (maxQueueSize ${endpoint.config.maxQueueSize}, overflow "${endpoint.config.overflow}")`,
        {
          endpoint: endpoint.config.label,
          droppedTotal: endpoint.dropped,
        },
      );
      endpoint.unreportedDrops = 0;
    }
    if (this.unreportedRefusals > 0) {
      this.log("warn", `refused ${this.unreportedRefusals} event(s) emitted after close()`, {
        refusedTotal: this.refused,
      });
      this.unreportedRefusals = 0;
    }
  };

  private bodyFor(event: DispatchableEvent): Buffer {
    const cached = this.bodies?.get(event);
    if (cached !== undefined) return cached;
    const body = Buffer.from(JSON.stringify(toWebhookPayload(event)), "utf8");
    this.bodies?.set(event, body);
    return body;
  }

  private attempted(attempt: DeliveryAttempt): void {
    if (!attempt.ok && this.options.logger?.debug !== undefined) {
      this.log("debug", "delivery attempt failed", {
        endpoint: attempt.error?.endpoint,
        deliveryId: attempt.deliveryId,
        event: attempt.event,
        attempt: attempt.attempt,
        status: attempt.status,
        error: attempt.error?.message,
        retryInMs: attempt.retryInMs,
      });
    }
    const onAttempt = this.options.onAttempt;
    if (onAttempt === undefined) return;
    try {
      onAttempt(attempt);
    } catch (error) {
      this.log("error", "onAttempt hook threw", { error });
    }
  }

  private deadLettered(letter: DeadLetter): void {
    if (this.state !== OPEN) this.undelivered.push(letter);
    const onDeadLetter = this.options.onDeadLetter;
    if (onDeadLetter === undefined) {
      this.log(
        "warn",
        `delivery ${letter.deliveryId} not delivered (${letter.reason}) after ${letter.attempts} attempt(s); set onDeadLetter to keep the payload`,
        {
          endpoint: this.endpoints[letter.endpointIndex]?.config.label,
          event: letter.payload.event,
          status: letter.status,
          error: letter.error?.message,
        },
      );
      return;
    }
    try {
      onDeadLetter(letter);
    } catch (error) {
      this.log("error", "onDeadLetter hook threw", { error, deliveryId: letter.deliveryId });
    }
  }

  private settled(): void {
    if (this.waiters.length === 0) return;
    const pending: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.done()) waiter.resolve();
      else pending.push(waiter);
    }
    this.waiters = pending;
  }

  private waitFor(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ done, resolve }));
  }

  private async shutdown(deadlineMs: number | undefined): Promise<CloseReport> {
    const drained = this.flush();
    let timedOut = false;
    if (deadlineMs === undefined) {
      await drained;
    } else {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<true>((resolve) => {
        timer = setTimeout(() => resolve(true), deadlineMs);
      });
      timedOut = await Promise.race([drained.then(() => false), deadline]);
      clearTimeout(timer);
    }
    if (timedOut) for (const endpoint of this.endpoints) endpoint.abort();
    await this.waitFor(() => this.endpoints.every((endpoint) => endpoint.idle));
    await Promise.all(this.endpoints.map((endpoint) => endpoint.close()));
    this.state = CLOSED;
    if (this.warnTimer !== undefined) {
      clearTimeout(this.warnTimer);
      this.reportWarnings();
    }
    return { undelivered: this.undelivered.slice(), timedOut, stats: this.stats() };
  }

  private log(
    level: "debug" | "warn" | "error",
    message: string,
    fields: Record<string, unknown>,
  ): void {
    const logger = this.options.logger;
    if (logger === null) return;
    try {
      logger[level]?.(message, fields);
    } catch {
      // A broken logger must not break delivery.
    }
  }
}
