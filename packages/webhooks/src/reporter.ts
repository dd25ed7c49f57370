/**
 * Everything the dispatcher tells its user: hooks, log lines and the
 * batched drop warnings. Internal to the dispatcher.
 *
 * @module
 */
import type { ResolvedOptions } from "./resolve-options";
import type { Endpoint } from "./router/endpoint";
import type { LeasedDelivery } from "./store/delivery-store";
import type { AttemptOutcome } from "./transport/attempt-outcome";
import type { DeadLetter, DispatchableEvent } from "./types";

// Drop and refusal warnings are batched into one line per endpoint per second.
const WARN_INTERVAL_MS = 1000;

/** Calls the hooks (a hook that throws is logged, never rethrown) and writes the log. */
export class Reporter {
  /** Events refused after close(). */
  refused = 0;
  private unreportedRefusals = 0;
  private warnTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly endpoints: readonly Endpoint[],
  ) {}

  /** Whether successful attempts need reporting (an onAttempt hook is set). */
  get observesAttempts(): boolean {
    return this.options.onAttempt !== undefined;
  }

  /** Runs inside `emit`: an event an endpoint did not take. */
  dropped(endpoint: Endpoint, event: DispatchableEvent, reason: "queue_full" | "closed"): void {
    this.scheduleWarnings();
    const onDrop = this.options.onDrop;
    if (onDrop === undefined) return;
    try {
      onDrop({
        url: endpoint.config.url,
        endpointIndex: endpoint.index,
        endpointId: endpoint.id,
        event,
        reason,
        dropped: endpoint.dropped,
      });
    } catch (error) {
      this.log("error", "onDrop hook threw", { error });
    }
  }

  /** Counts an event that reached the dispatcher after close(). */
  refusedEvent(): void {
    this.refused++;
    this.unreportedRefusals++;
    this.scheduleWarnings();
  }

  attempted(
    endpoint: Endpoint,
    delivery: LeasedDelivery,
    attempt: number,
    outcome: AttemptOutcome,
    retryInMs: number | undefined,
  ): void {
    const ok = outcome.error === undefined;
    if (ok && this.options.onAttempt === undefined) return;
    if (!ok && this.options.logger?.debug !== undefined) {
      this.log("debug", "delivery attempt failed", {
        endpoint: endpoint.config.label,
        deliveryId: delivery.id,
        event: delivery.event,
        attempt,
        status: outcome.status,
        error: outcome.error?.message,
        retryInMs,
      });
    }
    const onAttempt = this.options.onAttempt;
    if (onAttempt === undefined) return;
    try {
      // A literal, not a spread: this runs once per request.
      onAttempt({
        url: endpoint.config.url,
        endpointIndex: endpoint.index,
        endpointId: endpoint.id,
        deliveryId: delivery.id,
        event: delivery.event,
        attempt,
        ok,
        status: outcome.status,
        error: outcome.error,
        durationMs: outcome.durationMs,
        willRetry: retryInMs !== undefined,
        retryInMs,
      });
    } catch (error) {
      this.log("error", "onAttempt hook threw", { error });
    }
  }

  deadLettered(letter: DeadLetter): void {
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

  /** Writes pending warnings now (at close). */
  flushWarnings(): void {
    if (this.warnTimer === undefined) return;
    clearTimeout(this.warnTimer);
    this.reportWarnings();
  }

  log(level: "debug" | "warn" | "error", message: string, fields: Record<string, unknown>): void {
    const logger = this.options.logger;
    if (logger === null) return;
    try {
      logger[level]?.(message, fields);
    } catch {
      // A broken logger must not break delivery.
    }
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
      const drops = endpoint.takeUnreportedDrops();
      if (drops === 0) continue;
      const { maxQueueSize, overflow, label } = endpoint.config;
      this.log(
        "warn",
        `dropped ${drops} event(s): queue full (maxQueueSize ${maxQueueSize}, overflow "${overflow}")`,
        { endpoint: label, droppedTotal: endpoint.dropped },
      );
    }
    if (this.unreportedRefusals > 0) {
      this.log("warn", `refused ${this.unreportedRefusals} event(s) emitted after close()`, {
        refusedTotal: this.refused,
      });
      this.unreportedRefusals = 0;
    }
  };
}
