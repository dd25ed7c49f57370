/**
 * Waiting for what is owed, and closing: `flush()` and `close()` of the
 * dispatcher. A disabled endpoint's deliveries are kept, not owed now: neither
 * waits for them, and disabling an endpoint wakes both.
 *
 * @module
 */

import type {
  CloseReport,
  DeadLetter,
  DispatcherStats,
  FlushResult,
} from "../reporting/hook-payloads";
import type { Reporter } from "../reporting/reporter";
import type { Endpoint } from "../router/endpoint";
import type { Router } from "../router/router";
import type { SchedulerRegistry } from "../scheduler/scheduler-registry";
import type { DeliveryStore } from "../store/delivery-store";
import type { WebhookTelemetry } from "../telemetry/webhook-telemetry";
import type { CloseOptions } from "../types";
import { validateDeadline } from "./argument-checks";
import { CloseDeadline } from "./close-deadline";
import type { Waiters } from "./waiters";

/** The parts of the dispatcher that flush and close work on. */
export interface ShutdownDeps {
  readonly router: Router;
  readonly store: DeliveryStore;
  readonly scheduler: SchedulerRegistry;
  readonly waiters: Waiters;
  readonly reporter: Reporter;
  readonly telemetry: WebhookTelemetry | undefined;
  stats(): DispatcherStats;
}

/**
 * Resolves once every delivery owed before the call has settled. Of an
 * endpoint that is disabled when checked, only the attempts already running
 * are waited for: an endpoint disabled while this waits stops being waited
 * for, even if it is enabled again before the others are done.
 */
export function flushOwed(parts: ShutdownDeps): Promise<void> {
  return parts.waiters.waitFor(owedSettled(parts));
}

/**
 * `flush({ deadlineMs })`: waits like `flushOwed`, at most `deadlineMs`
 * (none: no bound), then says what is still owed.
 */
export async function flushWithin(
  parts: ShutdownDeps,
  deadlineMs: number | undefined,
): Promise<FlushResult> {
  const settled = owedSettled(parts);
  const timedOut =
    deadlineMs === undefined
      ? await parts.waiters.waitFor(settled).then(() => false)
      : await parts.waiters.waitWithin(settled, deadlineMs);
  return { timedOut, ...stillOwed(parts) };
}

/** What each endpoint is owed now: enabled endpoints' pending deliveries, and what disabled ones hold. */
function stillOwed(parts: ShutdownDeps): Omit<FlushResult, "timedOut"> {
  let owed = 0;
  let held = 0;
  const endpoints: { endpointId: string; owed: number }[] = [];
  for (const loop of parts.scheduler.loops) {
    const pending = parts.store.pendingCount(loop.endpoint.id);
    if (pending === 0) continue;
    if (loop.health.disabled !== undefined) held += pending;
    else {
      owed += pending;
      endpoints.push({ endpointId: loop.endpoint.id, owed: pending });
    }
  }
  return { owed, held, endpoints };
}

/** The condition `flush()` waits for: every endpoint's deliveries owed before now have settled. */
function owedSettled(parts: ShutdownDeps): () => boolean {
  const { router, store, scheduler } = parts;
  const { endpoints } = router;
  const marks = endpoints.map((endpoint) => store.mark(endpoint.id));
  // An endpoint with nothing owed before its mark stays so, so each is checked until it is
  // done and never again: with 1,000 endpoints a settle costs O(1), not a scan of all of them.
  let done = 0;
  return () => {
    while (done < endpoints.length) {
      const endpoint = endpoints[done] as Endpoint;
      if (router.endpoint(endpoint.id) === endpoint) {
        const loop = scheduler.loop(endpoint.id);
        // A disabled endpoint owes nothing now, but its running attempts end soon: wait for those.
        const owes =
          loop?.health.disabled === undefined
            ? store.pendingBefore(endpoint.id, marks[done] ?? 0)
            : !loop.idle;
        if (owes) return false;
      }
      done++;
    }
    return true;
  };
}

/**
 * Runs `close()` once: drain (until the deadline), abort, then settle what
 * disabled endpoints hold, close the connections and the store, and report.
 */
export class Shutdown {
  private readonly deadline = new CloseDeadline();
  private readonly undelivered: DeadLetter[] = [];
  private closing: Promise<CloseReport> | undefined;

  constructor(private readonly parts: ShutdownDeps) {}

  /** Adds a delivery that ended undelivered during the close to the report. */
  record(letter: DeadLetter): void {
    this.undelivered.push(letter);
  }

  /**
   * Starts the close (`phase("closing")` first), or brings its deadline
   * forward; `phase("closed")` runs once it is done. A bad deadline rejects
   * and changes nothing.
   */
  close(options: CloseOptions, phase: (to: "closing" | "closed") => void): Promise<CloseReport> {
    const deadlineMs = options?.deadlineMs;
    try {
      validateDeadline(options ?? {});
    } catch (error) {
      return Promise.reject(error);
    }
    this.deadline.shorten(deadlineMs);
    if (this.closing !== undefined) return this.closing;
    phase("closing");
    this.closing = this.run().then((report) => {
      phase("closed");
      return report;
    });
    return this.closing;
  }

  private async run(): Promise<CloseReport> {
    const { scheduler, store, waiters, reporter } = this.parts;
    const timedOut = await this.deadline.race(flushOwed(this.parts));
    if (timedOut) scheduler.abort(store.durable);
    await waiters.waitFor(() => scheduler.idle);
    const kept = this.settleKept();
    await scheduler.close(timedOut);
    this.parts.telemetry?.close();
    try {
      await store.close();
    } catch (error) {
      reporter.log("error", `closing the ${store.kind} store failed`, { error });
    }
    reporter.flushWarnings();
    return { undelivered: this.undelivered.slice(), kept, timedOut, stats: this.parts.stats() };
  }

  /**
   * What is still pending once every attempt ended: what disabled endpoints
   * hold, and after a deadline everything owed. A durable store keeps it for
   * the next process, which sends it under the same ids; the memory store
   * would lose it silently, so it is dead-lettered (`closed`, or `disabled`).
   * Returns how many were kept.
   */
  private settleKept(): number {
    const { scheduler, store } = this.parts;
    let kept = 0;
    let held = 0;
    for (const loop of scheduler.loops) {
      const pending = store.pendingCount(loop.endpoint.id);
      if (pending === 0) continue;
      if (!store.durable) loop.abort(loop.health.disabled === undefined ? "closed" : "disabled");
      else {
        kept += pending;
        if (loop.health.disabled !== undefined) held += pending;
      }
    }
    if (kept > 0) {
      this.parts.reporter.log(
        "warn",
        `${kept} delivery(ies) stay pending in the ${store.kind} store for the next process (${held} of them for disabled endpoints, sent once enabled with enableEndpoint(id)); each is sent under its own id, its attempt count continuing.`,
        { kept, disabled: held },
      );
    }
    return kept;
  }
}
