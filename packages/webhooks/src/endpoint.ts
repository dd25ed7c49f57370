/**
 * One webhook endpoint: its bounded queue, its workers, its connection pool
 * and its counters. Internal to the dispatcher.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, sign } from "@attesta/verify";
import { Pool } from "undici";
import { AttemptHandler, type AttemptOutcome } from "./attempt-handler";
import { backoffDelay } from "./backoff-delay";
import { DeadlineList } from "./deadline-list";
import type { ResolvedConfig } from "./resolve-configs";
import { RingBuffer } from "./ring-buffer";
import type {
  DeadLetter,
  DeadLetterReason,
  DeliveryAttempt,
  DispatchableEvent,
  EndpointStats,
} from "./types";
import { VERSION } from "./version";
import { WebhookDeliveryError } from "./webhook-delivery-error";

/** What an endpoint needs from its dispatcher. */
export interface EndpointHost {
  readonly maxResponseBytes: number;
  /** Whether successful attempts need reporting (an onAttempt hook is set). */
  readonly observesAttempts: boolean;
  /** The exact body bytes for an event (shared between endpoints). Throws when the data is not JSON-serialisable. */
  bodyFor(event: DispatchableEvent): Buffer;
  payloadFor(event: DispatchableEvent): DeadLetter["payload"];
  attempted(attempt: DeliveryAttempt): void;
  deadLettered(letter: DeadLetter): void;
  /** A delivery settled or a worker stopped: re-check flush and close waiters. */
  settled(): void;
  logError(message: string, fields: Record<string, unknown>): void;
}

interface Job {
  /** Position of the event in this endpoint's queue order, for flush(). */
  readonly seq: number;
  readonly event: DispatchableEvent;
  readonly deliveryId: string;
  attempts: number;
  attempt: AttemptHandler | undefined;
  wake: (() => void) | undefined;
}

const USER_AGENT = `attesta-webhooks/${VERSION}`;

/** Queue, workers and HTTP for one configured endpoint. */
export class Endpoint {
  readonly queue: RingBuffer<DispatchableEvent>;
  readonly inFlight = new Set<Job>();
  workers = 0;
  /** Events accepted into the queue so far; also the sequence number of the next one. */
  pushed = 0;
  dropped = 0;
  /** Drops not yet mentioned in a warning. */
  unreportedDrops = 0;
  private delivered = 0;
  private failed = 0;
  private attempts = 0;
  private retries = 0;
  private aborted = false;
  private pool: Pool | undefined;
  // One timer for all running attempts instead of a setTimeout/clearTimeout pair per request.
  private readonly deadlines = new DeadlineList();

  constructor(
    readonly index: number,
    readonly config: ResolvedConfig,
    private readonly host: EndpointHost,
  ) {
    this.queue = new RingBuffer(config.maxQueueSize);
  }

  /**
   * Queues an event; runs inside `emit`, so O(1) and allocation-free. Returns
   * the event that was dropped to respect the queue bound, if any.
   */
  enqueue(event: DispatchableEvent): DispatchableEvent | undefined {
    if (this.queue.push(event)) {
      this.pushed++;
      return undefined;
    }
    this.dropped++;
    this.unreportedDrops++;
    if (this.config.overflow === "drop-newest") return event;
    const oldest = this.queue.shift();
    this.queue.push(event);
    this.pushed++;
    return oldest;
  }

  /** Whether a drain pass would start a worker. */
  get wantsWorker(): boolean {
    return this.workers < this.config.concurrency && this.queue.length > 0 && !this.aborted;
  }

  /** Starts workers up to the concurrency limit; each takes one event at once. */
  startWorkers(): void {
    while (this.wantsWorker) void this.work();
  }

  /** Whether everything queued before sequence number `seq` has settled. */
  settledThrough(seq: number): boolean {
    if (this.queue.removed < seq) return false;
    for (const job of this.inFlight) if (job.seq < seq) return false;
    return true;
  }

  get idle(): boolean {
    return this.workers === 0 && this.inFlight.size === 0;
  }

  /** Gives up: aborts requests and retry waits, and dead-letters everything still queued. */
  abort(): void {
    this.aborted = true;
    for (const job of this.inFlight) {
      job.attempt?.abandon();
      job.wake?.();
    }
    for (const event of this.queue.drain()) {
      this.deadLetter(
        {
          seq: -1,
          event,
          deliveryId: randomUUID(),
          attempts: 0,
          attempt: undefined,
          wake: undefined,
        },
        "closed",
      );
    }
    this.host.settled();
  }

  /** Closes the keep-alive connections. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool === undefined) return;
    // After abort(), a request still connecting has no controller to cancel it, and a graceful
    // close would wait for it until the connect timeout: destroy so close() keeps its deadline.
    if (this.aborted) await pool.destroy().catch(() => undefined);
    else await pool.close().catch(() => pool.destroy());
  }

  stats(): EndpointStats {
    return {
      url: this.config.url,
      enqueued: this.pushed,
      delivered: this.delivered,
      failed: this.failed,
      dropped: this.dropped,
      attempts: this.attempts,
      retries: this.retries,
      queued: this.queue.length,
      inFlight: this.inFlight.size,
    };
  }

  private async work(): Promise<void> {
    this.workers++;
    try {
      while (!this.aborted) {
        const seq = this.queue.removed;
        const event = this.queue.shift();
        if (event === undefined) return;
        const job: Job = {
          seq,
          event,
          deliveryId: randomUUID(),
          attempts: 0,
          attempt: undefined,
          wake: undefined,
        };
        this.inFlight.add(job);
        try {
          await this.deliver(job);
        } catch (error) {
          // deliver() handles every expected failure; this is a bug guard so a worker never dies silently.
          this.host.logError("delivery crashed", {
            endpoint: this.config.label,
            deliveryId: job.deliveryId,
            error,
          });
          this.deadLetter(job, "exhausted");
        } finally {
          this.inFlight.delete(job);
          this.host.settled();
        }
      }
    } finally {
      this.workers--;
      this.host.settled();
    }
  }

  private async deliver(job: Job): Promise<void> {
    let body: Buffer;
    try {
      body = this.host.bodyFor(job.event);
    } catch (error) {
      this.deadLetter(job, "unserializable", undefined, undefined, error);
      return;
    }
    const { config } = this;
    // A flat name/value array: undici takes it as is, where an object costs a key walk per request.
    const headers = [
      "content-type",
      "application/json",
      "user-agent",
      USER_AGENT,
      DELIVERY_HEADER,
      job.deliveryId,
      EVENT_HEADER,
      job.event.type,
    ];
    if (config.secret !== undefined) headers.push(SIGNATURE_HEADER, sign(body, config.secret));

    for (let attempt = 1; ; attempt++) {
      job.attempts = attempt;
      this.attempts++;
      if (attempt > 1) this.retries++;
      const started = performance.now();
      const outcome = await this.send(job, body, headers, attempt, started);
      const ok = outcome.error === undefined;
      const willRetry = !ok && outcome.retryable && attempt <= config.retryCount && !this.aborted;
      const retryInMs = willRetry
        ? Math.min(
            config.retryMaxDelayMs,
            outcome.retryAfterMs ??
              backoffDelay(attempt, config.retryBaseDelayMs, config.retryMaxDelayMs),
          )
        : undefined;
      if (ok) this.delivered++;
      // A literal, not a spread, and only when someone listens: this runs once per request.
      if (!ok || this.host.observesAttempts)
        this.host.attempted({
          url: config.url,
          endpointIndex: this.index,
          deliveryId: job.deliveryId,
          event: job.event.type.toUpperCase(),
          attempt,
          ok,
          status: outcome.status,
          error: outcome.error,
          durationMs: performance.now() - started,
          willRetry,
          retryInMs,
        });
      if (ok) return;
      if (retryInMs === undefined) {
        const reason: DeadLetterReason = this.aborted
          ? "closed"
          : outcome.retryable
            ? "exhausted"
            : "rejected";
        this.deadLetter(job, reason, outcome.status, outcome.error);
        return;
      }
      await this.sleep(job, retryInMs);
      if (this.aborted) {
        this.deadLetter(job, "closed", outcome.status, outcome.error);
        return;
      }
    }
  }

  private send(
    job: Job,
    body: Buffer,
    headers: string[],
    attempt: number,
    started: number,
  ): Promise<AttemptOutcome> {
    const { config } = this;
    return new Promise((resolve) => {
      const handler = new AttemptHandler(
        { endpoint: config.label, deliveryId: job.deliveryId, attempt },
        started,
        config.timeoutMs,
        this.host.maxResponseBytes,
        this.deadlines,
        (outcome) => {
          job.attempt = undefined;
          resolve(outcome);
        },
      );
      job.attempt = handler;
      try {
        // Bound connecting too, so an attempt that timed out while waiting for a socket does not linger in the pool.
        this.pool ??= new Pool(config.origin, {
          connections: config.concurrency,
          pipelining: 1,
          connect: { timeout: config.timeoutMs },
        });
        this.pool.dispatch({ path: config.path, method: "POST", headers, body }, handler);
      } catch (error) {
        handler.fail(error);
      }
    });
  }

  private sleep(job: Job, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        job.wake = undefined;
        resolve();
      }, ms);
      job.wake = () => {
        clearTimeout(timer);
        job.wake = undefined;
        resolve();
      };
    });
  }

  private deadLetter(
    job: Job,
    reason: DeadLetterReason,
    status?: number,
    error?: WebhookDeliveryError,
    cause?: unknown,
  ): void {
    this.failed++;
    let payload: DeadLetter["payload"];
    try {
      payload = this.host.payloadFor(job.event);
    } catch {
      payload = {
        event: job.event.type.toUpperCase(),
        timestamp: String(job.event.timestamp),
        data: job.event.data,
      } as DeadLetter["payload"];
    }
    const letter: DeadLetter = {
      url: this.config.url,
      endpointIndex: this.index,
      deliveryId: job.deliveryId,
      payload,
      reason,
      attempts: job.attempts,
      ...(status === undefined ? {} : { status }),
      ...(error === undefined
        ? cause === undefined
          ? {}
          : {
              error: new WebhookDeliveryError(
                `${this.config.label}: event data cannot be serialised as JSON`,
                { endpoint: this.config.label, deliveryId: job.deliveryId, attempt: 0, cause },
              ),
            }
        : { error }),
    };
    this.host.deadLettered(letter);
  }
}
