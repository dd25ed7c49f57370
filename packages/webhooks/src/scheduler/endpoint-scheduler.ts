/**
 * When to try: the delivery loop of one endpoint.
 *
 * @module
 */

import type { Endpoint } from "../router/endpoint";
import type { DeadReason, LeasedDelivery } from "../store/delivery-store";
import type { AttemptOutcome } from "../transport/attempt-outcome";
import type { EndpointTransport } from "../transport/endpoint-transport";
import { summarizeFailure } from "../transport/failure-summary";
import { retryIn, toResult } from "./attempt-records";
import type { BreakerPermit } from "./circuit-breaker";
import { type AttemptSummary, EndpointHealth } from "./endpoint-health";
import { ExpiryWatch } from "./expiry-watch";
import type { FlightSlots } from "./flight-slots";
import { RateLimiter } from "./rate-limiter";
import { type AttemptVerdict, judgeAttempt } from "./retry-policy";
import type { LastFailure, SchedulerWiring } from "./scheduler-wiring";

// How a successful attempt is summarised for health: the same object every time.
const SUCCEEDED: AttemptSummary = Object.freeze({ ok: true });
// An attempt that failed after a close kept what is owed: pending, due at once, in the next process.
const KEPT: AttemptVerdict = Object.freeze({ next: "retry", delayMs: 0 });

interface RetryWait extends LastFailure {
  readonly at: number;
}

/**
 * Leases due deliveries of one endpoint from the store, up to `concurrency`
 * at once, hands each attempt to the transport and records how it ended.
 * A delivery waiting for its retry keeps its slot until it is due again, so a
 * failing endpoint backs up into its own store bound, and with
 * `concurrency: 1` (`ordered`) retries hold the order. Before each lease it
 * asks the endpoint's health (disabled? breaker open?), its rate limiter and
 * the shared in-flight slots. The only timer waits for the next due delivery.
 */
export class EndpointScheduler {
  readonly health: EndpointHealth;
  private running = 0;
  private readonly waiting = new Map<string, RetryWait>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private closing = false;
  /** Set by `halt(true)`: a failed or aborted attempt leaves its delivery pending for the next process. */
  private keeping = false;
  private limiter: RateLimiter | undefined;
  private readonly expiry: ExpiryWatch;

  constructor(
    readonly endpoint: Endpoint,
    private transport: EndpointTransport,
    private readonly host: SchedulerWiring,
    private readonly slots: FlightSlots,
  ) {
    const { config } = endpoint;
    this.health = new EndpointHealth(
      { endpointId: endpoint.id, url: config.label },
      config.delivery.health,
      host.now,
      (event) => host.operatorEvent(event),
    );
    this.limiter = makeLimiter(endpoint);
    this.expiry = new ExpiryWatch(endpoint, host.store, host.now, (expired) =>
      this.expired(expired),
    );
    this.expiry.start();
  }

  /** Deliveries started and not settled: sending, or waiting for their retry. */
  get inFlight(): number {
    return this.running + this.waiting.size;
  }

  /** No attempt is running. */
  get idle(): boolean {
    return this.running === 0;
  }

  /** Takes a changed config: new transport and rate limit; health and queued deliveries stay. */
  reconfigure(transport: EndpointTransport): void {
    this.transport = transport;
    this.limiter = makeLimiter(this.endpoint);
    if (!this.closing) this.expiry.start();
    this.pump();
  }

  /** Starts every due delivery that fits; arms the timer for the next one. */
  readonly pump = (): void => {
    this.clearTimer();
    if (this.closing || this.health.disabled !== undefined) return;
    const now = this.host.now();
    let held = 0;
    let heldUntil = Number.POSITIVE_INFINITY;
    // Skipped when nothing waits for a retry: the usual case, and an iterator less per attempt.
    if (this.waiting.size > 0) {
      for (const wait of this.waiting.values()) {
        if (wait.at <= now) continue;
        held++;
        if (wait.at < heldUntil) heldUntil = wait.at;
      }
    }
    const free = this.endpoint.config.concurrency - this.running - held;
    if (free <= 0) {
      if (held > 0) this.arm(heldUntil, now);
      return;
    }
    const store = this.host.store;
    const due = store.nextDueAt(this.endpoint.id);
    if (due === undefined) return;
    if (due > now) {
      this.arm(due, now);
      return;
    }
    const permit = this.health.acquire();
    if (permit === undefined) {
      this.arm(this.health.probeAt, now);
      return;
    }
    const wanted = this.allowedByRate(permit === "probe" ? 1 : free, now);
    const granted =
      wanted === 0 ? 0 : this.slots.take(this.endpoint.config.origin, wanted, this.pump);
    const leased = granted === 0 ? [] : store.lease(this.endpoint.id, now, granted);
    for (let i = leased.length; i < granted; i++) this.slots.release(this.endpoint.config.origin);
    for (let i = leased.length; i < wanted; i++) this.limiter?.giveBack();
    if (leased.length === 0) this.health.cancel(permit);
    for (let i = 0; i < leased.length; i++) this.start(leased[i] as LeasedDelivery, permit);
    if (leased.length < granted) this.arm(store.nextDueAt(this.endpoint.id), now);
    else if (wanted < free && permit === "normal" && this.limiter !== undefined) {
      // Held back by the rate limit: come back when the next token is there.
      this.arm(now + Math.max(1, this.limiter.nextIn()), now);
    }
  };

  /**
   * Gives up: running attempts end as `aborted`, and every pending delivery
   * the store holds for the endpoint is dead-lettered as `reason`.
   */
  abort(reason: DeadReason = "closed"): number {
    this.halt();
    const abandoned = this.host.store.abandon(this.endpoint.id, reason);
    for (const delivery of abandoned) {
      this.endpoint.countFailed();
      const last = this.waiting.get(delivery.id);
      this.host.deadLettered(this.endpoint, delivery, reason, delivery.attempts, last);
    }
    this.waiting.clear();
    this.host.settled();
    return abandoned.length;
  }

  /**
   * Stops for good and aborts running attempts, but leaves what is owed in
   * the store (a disabled endpoint at the close deadline keeps its deliveries).
   * With `keep` (a durable store at the close deadline), an attempt that ends
   * failed or aborted from now on is recorded and its delivery stays pending,
   * due at once, so the next process sends it under the same id.
   */
  halt(keep = false): void {
    this.closing = true;
    this.expiry.stop();
    this.keeping ||= keep;
    this.clearTimer();
    this.slots.forget(this.pump);
    this.transport.abandonAll();
  }

  /** Stops for good without abandoning anything (the endpoint was removed after draining). */
  stop(): void {
    this.closing = true;
    this.expiry.stop();
    this.clearTimer();
    this.slots.forget(this.pump);
  }

  /** Stops the timer (the shared connections are closed by the scheduler). */
  close(): void {
    this.stop();
  }

  /** Dead letters (`expired`) for what the expiry watch took from the store. */
  private expired(deliveries: readonly LeasedDelivery[]): void {
    for (const delivery of deliveries) {
      this.endpoint.countFailed();
      const last = this.waiting.get(delivery.id);
      this.waiting.delete(delivery.id);
      this.host.deadLettered(this.endpoint, delivery, "expired", delivery.attempts, last);
    }
    this.host.settled();
    this.pump();
  }

  /** How many of `wanted` attempts the rate limit lets start now; arms the timer when none. */
  private allowedByRate(wanted: number, now: number): number {
    const limiter = this.limiter;
    if (limiter === undefined) return wanted;
    let allowed = 0;
    let wait = 0;
    while (allowed < wanted) {
      wait = limiter.take();
      if (wait > 0) break;
      allowed++;
    }
    if (allowed === 0) this.arm(now + wait, now);
    return allowed;
  }

  private start(delivery: LeasedDelivery, permit: BreakerPermit): void {
    this.running++;
    if (this.waiting.size > 0) this.waiting.delete(delivery.id);
    // The slot belongs to the origin it was taken for, even if the URL changes meanwhile.
    void this.attempt(delivery, permit, this.endpoint.config.origin);
  }

  private async attempt(
    delivery: LeasedDelivery,
    permit: BreakerPermit,
    origin: string,
  ): Promise<void> {
    const attempt = delivery.attempts + 1;
    try {
      const outcome = await this.transport.send({
        deliveryId: delivery.id,
        event: delivery.event,
        body: delivery.body,
        attempt,
        createdAt: delivery.createdAt,
        contentType: delivery.contentType,
        formatHeaders: delivery.headers,
      });
      this.settle(delivery, attempt, outcome);
      // Aborted attempts say nothing about the endpoint.
      if (outcome.errorKind !== "aborted") {
        const failure = summarizeFailure(outcome);
        this.health.record(permit, failure === undefined ? SUCCEEDED : { ok: false, failure });
      } else this.health.cancel(permit);
    } catch (error) {
      // settle() handles every expected outcome; this guard keeps one failure from stopping the loop.
      this.host.crashed(this.endpoint, delivery, error);
      // A probe that never reported must not leave the breaker waiting for it.
      this.health.cancel(permit);
    } finally {
      this.slots.release(origin);
      this.running--;
      this.pump();
      this.host.settled();
    }
  }

  private settle(delivery: LeasedDelivery, attempt: number, outcome: AttemptOutcome): void {
    const { endpoint, host } = this;
    endpoint.countAttempt(attempt);
    const delays = endpoint.config.delivery.retry;
    const verdict: AttemptVerdict =
      this.keeping && outcome.error !== undefined
        ? KEPT
        : judgeAttempt(outcome, delivery.attemptsInSeries + 1, delays, this.closing);
    const at = verdict.next === "retry" ? host.now() + verdict.delayMs : 0;
    // The outcome is an AttemptRecord itself: recorded without a copy.
    host.store.recordAttempt(delivery.id, outcome, toResult(verdict, at));
    if (verdict.next === "delivered") endpoint.countDelivered();
    else if (verdict.next === "retry") {
      this.waiting.set(delivery.id, {
        at,
        status: outcome.status,
        error: outcome.error,
        errorKind: outcome.errorKind,
        responseBody: outcome.responseBody,
      });
    }
    host.attempted(endpoint, delivery, attempt, outcome, retryIn(verdict));
    if (verdict.next === "dead") {
      endpoint.countFailed();
      host.deadLettered(endpoint, delivery, verdict.reason, attempt, outcome);
    }
  }

  private arm(at: number | undefined, now: number): void {
    if (at === undefined || at >= this.timerAt) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(this.pump, Math.max(0, at - now));
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}

function makeLimiter(endpoint: Endpoint): RateLimiter | undefined {
  const { rateLimit, rateLimitBurst } = endpoint.config.delivery;
  return rateLimit === undefined ? undefined : new RateLimiter(rateLimit, rateLimitBurst);
}
