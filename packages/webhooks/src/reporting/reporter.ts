/**
 * Everything the dispatcher tells its user: hooks, log lines and the
 * batched drop warnings.
 *
 * Part of reporting/, shared by the in-process dispatcher and the BullMQ
 * producer and workers (bullmq/): a change here reaches both.
 *
 * @module
 */

import type { DispatchableEvent } from "../dispatchable-event";
import type { ResolvedOptions } from "../options/resolve-options";
import type { Endpoint } from "../router/endpoint";
import type { LeasedDelivery, StoreWarning } from "../store/delivery-store";
import type { AttemptOutcome } from "../transport/attempt-outcome";
import type { DeadLetter } from "./hook-payloads";
import type { OperatorEvent } from "./operator-events";

// Drop and refusal warnings are batched into one line per endpoint per second.
const WARN_INTERVAL_MS = 1000;

/** Calls the hooks (a hook that throws is logged, never rethrown) and writes the log. */
export class Reporter {
  /** Events refused after close(). */
  refused = 0;
  private unreportedRefusals = 0;
  private warnTimer: ReturnType<typeof setTimeout> | undefined;
  /** Hook failures not yet reported, per hook, with the latest error. */
  private readonly hookFailures = new Map<string, { count: number; error: unknown }>();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly endpoints: () => readonly Endpoint[],
    private readonly emit: (event: OperatorEvent) => void,
  ) {}

  /** Whether successful attempts need reporting (an onAttempt hook is set). */
  get observesAttempts(): boolean {
    return this.options.onAttempt !== undefined;
  }

  /** A durable store passed a documented size, or its file's check ended badly: logged and emitted as `store.warning`. */
  storeWarning(warning: StoreWarning): void {
    const message = storeWarningMessage(warning);
    this.log(warning.kind === "corrupt" ? "error" : "warn", message, { ...warning });
    this.emit({ name: "store.warning", data: { ...warning, message } });
  }

  /** Runs inside `emit`: an event an endpoint did not take. */
  dropped(endpoint: Endpoint, event: DispatchableEvent, reason: "queue_full" | "closed"): void {
    this.scheduleWarnings();
    const onDrop = this.options.onDrop;
    if (onDrop === undefined) return;
    try {
      onDrop({
        url: endpoint.config.shownUrl,
        endpointIndex: endpoint.index,
        endpointId: endpoint.id,
        event,
        reason,
        dropped: endpoint.dropped,
      });
    } catch (error) {
      this.hookFailed("onDrop", error);
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
    attemptNumber: number,
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
        attempt: attemptNumber,
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
        url: endpoint.config.shownUrl,
        endpointIndex: endpoint.index,
        endpointId: endpoint.id,
        deliveryId: delivery.id,
        event: delivery.event,
        attempt: attemptNumber,
        ok,
        status: outcome.status,
        error: outcome.error,
        durationMs: outcome.durationMs,
        willRetry: retryInMs !== undefined,
        retryInMs,
      });
    } catch (error) {
      this.hookFailed("onAttempt", error);
    }
  }

  deadLettered(letter: DeadLetter, label: string): void {
    const onDeadLetter = this.options.onDeadLetter;
    if (onDeadLetter === undefined) {
      // Only the fields that have a value: no "status: undefined" in log lines.
      const fields: Record<string, unknown> = { endpoint: label, event: letter.payload.event };
      if (letter.status !== undefined) fields.status = letter.status;
      if (letter.error !== undefined) fields.error = letter.error.message;
      this.log(
        "warn",
        `delivery ${letter.deliveryId} not delivered (${letter.reason}) after ${letter.attempts} attempt(s); set onDeadLetter to keep the payload`,
        fields,
      );
      return;
    }
    try {
      onDeadLetter(letter);
    } catch (error) {
      this.hookFailed("onDeadLetter", error);
    }
  }

  /**
   * A user hook threw. Reported like drops: at most one line per hook per
   * second, with the count, so a hook that always throws cannot flood the
   * log or slow `emit`.
   */
  hookFailed(hook: string, error: unknown): void {
    const entry = this.hookFailures.get(hook);
    if (entry === undefined) this.hookFailures.set(hook, { count: 1, error });
    else {
      entry.count++;
      entry.error = error;
    }
    this.scheduleWarnings();
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
    for (const endpoint of this.endpoints()) {
      const drops = endpoint.takeUnreportedDrops();
      if (drops === 0) continue;
      const { maxQueueSize, overflow, label } = endpoint.config;
      this.log(
        "warn",
        `dropped ${drops} event(s): queue full (maxQueueSize ${maxQueueSize}, overflow "${overflow}")`,
        { endpoint: label, droppedTotal: endpoint.dropped },
      );
      this.emit({
        name: "delivery.dropped",
        data: { endpointId: endpoint.id, reason: "queue_full", count: drops },
      });
    }
    if (this.unreportedRefusals > 0) {
      const count = this.unreportedRefusals;
      this.unreportedRefusals = 0;
      this.log("warn", `refused ${count} event(s) emitted after close()`, {
        refusedTotal: this.refused,
      });
      this.emit({ name: "delivery.dropped", data: { reason: "closed", count } });
    }
    for (const [hook, { count, error }] of this.hookFailures) {
      this.log("error", `${hook} hook threw ${count} time(s) in the last second`, { error });
      this.emit({ name: "dispatcher.hook_failed", data: { hook, error, count } });
    }
    this.hookFailures.clear();
  };
}

function storeWarningMessage(warning: StoreWarning): string {
  switch (warning.kind) {
    case "file_size":
      return `the delivery store's file is ${Math.round(warning.bytes / 2 ** 20)} MiB, past warnFileBytes (${Math.round(warning.limit / 2 ** 20)} MiB): deliveries are piling up (is a receiver down?); free disk space or raise the limit`;
    case "stored_bound":
      return `endpoint ${warning.endpointId} has ${warning.limit} deliveries pending in the store (maxStoredPending): its overflow policy drops events from now on`;
    case "corrupt":
      return `the delivery store's file is damaged; delivery from it has stopped: ${warning.error.message}`;
    case "unchecked":
      return `the delivery store's background integrity check could not run (${warning.reason}); the file is used unchecked. Fix: run it with integrityCheck: "open" once, or check the file with sqlite3's PRAGMA quick_check`;
  }
}
