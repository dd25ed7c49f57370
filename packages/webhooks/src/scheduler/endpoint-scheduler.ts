/**
 * When to try: the delivery loop of one endpoint.
 *
 * @module
 */
import type { Endpoint } from "../router/endpoint";
import type {
  AttemptRecord,
  AttemptResult,
  DeadReason,
  DeliveryStore,
  LeasedDelivery,
} from "../store/delivery-store";
import type { AttemptOutcome } from "../transport/attempt-outcome";
import type { EndpointTransport } from "../transport/endpoint-transport";
import type { WebhookDeliveryError } from "../webhook-delivery-error";
import { type AttemptVerdict, judgeAttempt, type RetryPolicy } from "./retry-policy";

/** What the loop reports to the dispatcher. */
export interface SchedulerHost {
  readonly store: DeliveryStore;
  now(): number;
  /** One attempt ended; `retryInMs` is set when another follows. */
  attempted(
    endpoint: Endpoint,
    delivery: LeasedDelivery,
    attempt: number,
    outcome: AttemptOutcome,
    retryInMs: number | undefined,
  ): void;
  /**
   * A delivery ended dead after `attempts` attempts in all. `last` is its
   * last failed attempt in this process, when there was one.
   */
  deadLettered(
    endpoint: Endpoint,
    delivery: LeasedDelivery,
    reason: DeadReason,
    attempts: number,
    last: LastFailure | undefined,
  ): void;
  /** A delivery settled or an attempt ended: flush() and close() check again. */
  settled(): void;
  /** Recording an attempt threw (a store failure or a bug): the delivery stays as the store has it. */
  crashed(endpoint: Endpoint, delivery: LeasedDelivery, error: unknown): void;
}

/** The last failed attempt of a delivery that waits for its retry. */
export interface LastFailure {
  readonly status: number | undefined;
  readonly error: WebhookDeliveryError | undefined;
}

interface RetryWait extends LastFailure {
  readonly at: number;
}

const DELIVERED: AttemptResult = { status: "delivered" };

/**
 * Leases due deliveries of one endpoint from the store, up to `concurrency`
 * at once, hands each attempt to the transport and records how it ended.
 * A delivery waiting for its retry keeps its slot until it is due again, so a
 * failing endpoint backs up into its own store bound, and with
 * `concurrency: 1` retries hold the order. The only timer waits for the next
 * due delivery.
 */
export class EndpointScheduler {
  private running = 0;
  private readonly waiting = new Map<string, RetryWait>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private closing = false;
  private readonly policy: RetryPolicy;

  constructor(
    readonly endpoint: Endpoint,
    private readonly transport: EndpointTransport,
    private readonly host: SchedulerHost,
  ) {
    const { retryCount, retryBaseDelayMs, retryMaxDelayMs } = endpoint.config;
    this.policy = { retryCount, baseDelayMs: retryBaseDelayMs, maxDelayMs: retryMaxDelayMs };
  }

  /** Deliveries started and not settled: sending, or waiting for their retry. */
  get inFlight(): number {
    return this.running + this.waiting.size;
  }

  /** No attempt is running. */
  get idle(): boolean {
    return this.running === 0;
  }

  /** Starts every due delivery that fits; arms the timer for the next one. */
  readonly pump = (): void => {
    this.clearTimer();
    if (this.closing) return;
    const now = this.host.now();
    let held = 0;
    let heldUntil = Number.POSITIVE_INFINITY;
    for (const wait of this.waiting.values()) {
      if (wait.at <= now) continue;
      held++;
      if (wait.at < heldUntil) heldUntil = wait.at;
    }
    const free = this.endpoint.config.concurrency - this.running - held;
    if (free <= 0) {
      if (held > 0) this.arm(heldUntil, now);
      return;
    }
    const store = this.host.store;
    const leased = store.lease(this.endpoint.id, now, free);
    for (let i = 0; i < leased.length; i++) this.start(leased[i] as LeasedDelivery);
    if (leased.length < free) this.arm(store.nextDueAt(this.endpoint.id), now);
  };

  /**
   * Gives up: running attempts end as `aborted`, and every pending delivery
   * the store holds for the endpoint is dead-lettered as `closed`.
   */
  abort(): void {
    this.closing = true;
    this.clearTimer();
    this.transport.abandonAll();
    for (const delivery of this.host.store.abandon(this.endpoint.id, "closed")) {
      this.endpoint.countFailed();
      const last = this.waiting.get(delivery.id);
      this.host.deadLettered(this.endpoint, delivery, "closed", delivery.attempts, last);
    }
    this.waiting.clear();
    this.host.settled();
  }

  /** Closes the transport's connections. */
  close(): Promise<void> {
    this.clearTimer();
    return this.transport.close();
  }

  private start(delivery: LeasedDelivery): void {
    this.running++;
    if (this.waiting.size > 0) this.waiting.delete(delivery.id);
    void this.attempt(delivery);
  }

  private async attempt(delivery: LeasedDelivery): Promise<void> {
    const attempt = delivery.attempts + 1;
    try {
      const outcome = await this.transport.send({
        deliveryId: delivery.id,
        event: delivery.event,
        body: delivery.body,
        attempt,
      });
      this.settle(delivery, attempt, outcome);
    } catch (error) {
      // settle() handles every expected outcome; this guard keeps one failure from stopping the loop.
      this.host.crashed(this.endpoint, delivery, error);
    } finally {
      this.running--;
      this.pump();
      this.host.settled();
    }
  }

  private settle(delivery: LeasedDelivery, attempt: number, outcome: AttemptOutcome): void {
    const { endpoint, host } = this;
    endpoint.countAttempt(attempt);
    const verdict = judgeAttempt(outcome, delivery.attemptsInSeries + 1, this.policy, this.closing);
    const at = verdict.next === "retry" ? host.now() + verdict.delayMs : 0;
    host.store.recordAttempt(delivery.id, toAttemptRecord(attempt, outcome), toResult(verdict, at));
    if (verdict.next === "delivered") endpoint.countDelivered();
    else if (verdict.next === "retry") {
      this.waiting.set(delivery.id, { at, status: outcome.status, error: outcome.error });
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

function retryIn(verdict: AttemptVerdict): number | undefined {
  return verdict.next === "retry" ? verdict.delayMs : undefined;
}

function toResult(verdict: AttemptVerdict, at: number): AttemptResult {
  if (verdict.next === "delivered") return DELIVERED;
  if (verdict.next === "retry") return { status: "retry", at };
  return { status: "dead", reason: verdict.reason };
}

function toAttemptRecord(attempt: number, outcome: AttemptOutcome): AttemptRecord {
  return {
    attempt,
    startedAt: outcome.startedAt,
    durationMs: outcome.durationMs,
    status: outcome.status,
    errorKind: outcome.errorKind,
    errorMessage: outcome.error?.message,
    responseBody: outcome.responseBody,
  };
}
