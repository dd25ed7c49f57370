/**
 * The BullMQ processor of one endpoint, in place of the local scheduler's
 * attempt loop: one attempt per job run through the shared transport, judged
 * by the shared retry policy, recorded, and turned into what BullMQ does
 * next (complete, retry after our delay, fail for good, or give the job back
 * at shutdown).
 *
 * @module
 */
import { DelayedError, type Job, UnrecoverableError, WaitingError } from "bullmq";
import { toDeadLetter } from "../reporting/dead-letter";
import type { OperatorEvent } from "../reporting/operator-events";
import type { Reporter } from "../reporting/reporter";
import type { Endpoint } from "../router/endpoint";
import type { EndpointHealth } from "../scheduler/endpoint-health";
import { type AttemptVerdict, judgeAttempt } from "../scheduler/retry-policy";
import type { LeasedDelivery } from "../store/delivery-store";
import { plainAttempt } from "../store/plain-attempt";
import type { EndpointTransport } from "../transport/endpoint-transport";
import { summarizeFailure } from "../transport/failure-summary";
import type { DeliveryJobData, StoredAttempt } from "./job-data";

/** Thrown to BullMQ for a failed attempt that will be retried; carries the policy's delay. */
export class AttemptFailedError extends Error {
  override name = "AttemptFailedError";
  constructor(
    message: string,
    readonly retryInMs: number,
  ) {
    super(message);
  }
}

/** What the processor needs from its worker set. */
export interface ProcessorDeps {
  readonly transport: EndpointTransport;
  readonly reporter: Reporter;
  /** True once shutdown reached its deadline: aborted attempts are handed back, not judged. */
  handingBack(): boolean;
  /** Counts a job given back to its queue at the shutdown deadline. */
  handedBack(): void;
  /** Stores a failed attempt's record (a job log line) and counts it cluster-wide. */
  recordFailure(job: Job<DeliveryJobData>, record: StoredAttempt): Promise<void>;
  /** Emits an operator event on the workers' `events`. */
  emit(event: OperatorEvent): void;
}

// While the breaker is half open and its probe is out, a job waits this long before it asks again.
const PROBE_WAIT_MS = 1000;

/** The delivery as the shared reporter and dead-letter builder see it. */
function toLeased(endpoint: Endpoint, job: Job<DeliveryJobData>, body: Buffer): LeasedDelivery {
  return {
    id: job.id as string,
    endpointId: endpoint.id,
    event: job.name,
    body,
    ...(job.data.contentType === undefined ? {} : { contentType: job.data.contentType }),
    ...(job.data.headers === undefined ? {} : { headers: job.data.headers }),
    // attemptsStarted counts this run, runs cut short by a crashed worker, and runs the breaker postponed.
    attempts: Math.max(0, job.attemptsStarted - 1 - (job.data.postponed ?? 0)),
    // attemptsMade counts failed attempts of this series: a redelivery resets it.
    attemptsInSeries: job.attemptsMade,
    createdAt: job.data.createdAt,
  };
}

/**
 * The breaker of this process is open for the endpoint: the job waits until
 * the probe time, its retry series untouched, and the run is counted so that
 * attempt numbers skip it.
 */
async function postpone(job: Job<DeliveryJobData>, token: string | undefined, at: number) {
  await job.updateData({ ...job.data, postponed: (job.data.postponed ?? 0) + 1 });
  await job.moveToDelayed(at, token);
}

/**
 * A retry the job's own `attempts` (set by the producer that enqueued it)
 * has no room for is dead now: otherwise BullMQ would fail the job by itself
 * and no dead letter would be reported, e.g. after workers were restarted
 * with a larger `retryCount` than the producers use.
 */
function withinJobBudget(verdict: AttemptVerdict, job: Job<DeliveryJobData>): AttemptVerdict {
  if (verdict.next !== "retry" || job.attemptsMade + 1 < (job.opts.attempts ?? 1)) return verdict;
  return { next: "dead", reason: "exhausted" };
}

/** Builds the processor function of one endpoint's BullMQ worker. */
export function createProcessor(endpoint: Endpoint, health: EndpointHealth, host: ProcessorDeps) {
  // The endpoint's retry schedule, built from its config exactly as for the local dispatcher.
  const delays = endpoint.config.delivery.retry;
  return async (
    job: Job<DeliveryJobData>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<StoredAttempt> => {
    const permit = health.acquire();
    if (permit === undefined) {
      await postpone(job, token, health.probeAt ?? Date.now() + PROBE_WAIT_MS);
      throw new DelayedError();
    }
    const delivery = toLeased(endpoint, job, Buffer.from(job.data.body, "utf8"));
    const attempt = delivery.attempts + 1;
    const outcome = await host.transport.send({
      deliveryId: delivery.id,
      event: delivery.event,
      body: delivery.body,
      attempt,
      contentType: delivery.contentType,
      formatHeaders: delivery.headers,
    });
    const failure = summarizeFailure(outcome);
    // Aborted attempts say nothing about the endpoint.
    if (outcome.errorKind === "aborted") health.cancel(permit);
    else health.record(permit, failure === undefined ? { ok: true } : { ok: false, failure });
    if (outcome.error !== undefined && signal?.aborted && host.handingBack()) {
      // Shutdown deadline: the job goes back to its queue for another worker, its series intact.
      await job.moveToWait(token);
      host.handedBack();
      throw new WaitingError();
    }
    endpoint.countAttempt(attempt);
    const verdict = withinJobBudget(
      judgeAttempt(outcome, delivery.attemptsInSeries + 1, delays, false),
      job,
    );
    const retryInMs = verdict.next === "retry" ? verdict.delayMs : undefined;
    // The outcome is an AttemptRecord; only its record fields, the unset ones left out, go to Redis.
    const record: StoredAttempt = {
      ...plainAttempt(outcome),
      result: verdict.next,
      ...(verdict.next === "dead" ? { deadReason: verdict.reason } : {}),
      ...(retryInMs === undefined ? {} : { retryInMs }),
    };
    host.reporter.attempted(endpoint, delivery, attempt, outcome, retryInMs);
    // The delivering attempt's record is the job's return value: no extra round trip.
    if (verdict.next === "delivered") {
      endpoint.countDelivered();
      return record;
    }
    await host.recordFailure(job, record);
    const message = outcome.error?.message ?? `attempt ${attempt} failed`;
    if (verdict.next === "retry") throw new AttemptFailedError(message, verdict.delayMs);
    endpoint.countFailed();
    const letter = toDeadLetter(endpoint, {
      deliveryId: delivery.id,
      body: delivery.body,
      reason: verdict.reason,
      attempts: attempt,
      status: outcome.status,
      error: outcome.error,
    });
    host.reporter.deadLettered(letter, endpoint.config.label);
    host.emit({
      name: "delivery.dead",
      data: {
        endpointId: endpoint.id,
        url: endpoint.config.label,
        deliveryId: delivery.id,
        event: delivery.event,
        reason: verdict.reason,
        attempts: attempt,
        ...(failure === undefined ? {} : { lastFailure: failure }),
      },
    });
    // Unrecoverable: BullMQ fails the job now, whatever attempts its options still allow.
    throw new UnrecoverableError(`${verdict.reason}: ${message}`);
  };
}
